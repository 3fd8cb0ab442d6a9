-- Changing a staff member's password, role or active flag bumps session_epoch;
-- a browser session signed in under an older epoch ends at its next action.
ALTER TABLE staff ADD COLUMN session_epoch INTEGER NOT NULL DEFAULT 0;

-- Databases made before the demo was marked: the demo administrator (published
-- password) exists only in the demo shop, so such a database is the demo.
INSERT INTO settings (key, value)
SELECT 'demo_shop', 'true' WHERE EXISTS (
    SELECT 1 FROM staff WHERE username_key = 'admin' AND display_name = 'Amélie Roux'
) ON CONFLICT (key) DO NOTHING;
