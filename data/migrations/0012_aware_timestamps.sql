-- Time-zone aware timestamps: every moment is stored as a UTC instant
-- (TIMESTAMPTZ; sessions run in UTC, see data/db.py and data/postgres.py) and
-- shown in the shop's time zone. Values written before this migration were the
-- server's local time; they are read as Europe/Paris, the zone migration 0010
-- gave the existing shop (a shop elsewhere sees its old times shifted by the
-- difference; dates of ledger entries are DATE columns and do not move).
ALTER TABLE customers ALTER COLUMN marketing_opt_in_at SET DATA TYPE TIMESTAMPTZ
    USING (marketing_opt_in_at AT TIME ZONE 'Europe/Paris');
ALTER TABLE customers ALTER COLUMN archived_at SET DATA TYPE TIMESTAMPTZ
    USING (archived_at AT TIME ZONE 'Europe/Paris');
ALTER TABLE customers ALTER COLUMN created_at SET DATA TYPE TIMESTAMPTZ
    USING (created_at AT TIME ZONE 'Europe/Paris');
ALTER TABLE customers ALTER COLUMN updated_at SET DATA TYPE TIMESTAMPTZ
    USING (updated_at AT TIME ZONE 'Europe/Paris');
ALTER TABLE consent_history ALTER COLUMN changed_at SET DATA TYPE TIMESTAMPTZ
    USING (changed_at AT TIME ZONE 'Europe/Paris');
ALTER TABLE staff ALTER COLUMN locked_until SET DATA TYPE TIMESTAMPTZ
    USING (locked_until AT TIME ZONE 'Europe/Paris');
ALTER TABLE staff ALTER COLUMN last_login_at SET DATA TYPE TIMESTAMPTZ
    USING (last_login_at AT TIME ZONE 'Europe/Paris');
ALTER TABLE staff ALTER COLUMN created_at SET DATA TYPE TIMESTAMPTZ
    USING (created_at AT TIME ZONE 'Europe/Paris');
ALTER TABLE staff ALTER COLUMN updated_at SET DATA TYPE TIMESTAMPTZ
    USING (updated_at AT TIME ZONE 'Europe/Paris');
ALTER TABLE audit_log ALTER COLUMN occurred_at SET DATA TYPE TIMESTAMPTZ
    USING (occurred_at AT TIME ZONE 'Europe/Paris');
ALTER TABLE print_jobs ALTER COLUMN occurred_at SET DATA TYPE TIMESTAMPTZ
    USING (occurred_at AT TIME ZONE 'Europe/Paris');
ALTER TABLE account_types ALTER COLUMN created_at SET DATA TYPE TIMESTAMPTZ
    USING (created_at AT TIME ZONE 'Europe/Paris');
ALTER TABLE customer_accounts ALTER COLUMN updated_at SET DATA TYPE TIMESTAMPTZ
    USING (updated_at AT TIME ZONE 'Europe/Paris');
ALTER TABLE ledger_entries ALTER COLUMN recorded_at SET DATA TYPE TIMESTAMPTZ
    USING (recorded_at AT TIME ZONE 'Europe/Paris');
ALTER TABLE allocations ALTER COLUMN created_at SET DATA TYPE TIMESTAMPTZ
    USING (created_at AT TIME ZONE 'Europe/Paris');
ALTER TABLE products ALTER COLUMN created_at SET DATA TYPE TIMESTAMPTZ
    USING (created_at AT TIME ZONE 'Europe/Paris');
ALTER TABLE products ALTER COLUMN updated_at SET DATA TYPE TIMESTAMPTZ
    USING (updated_at AT TIME ZONE 'Europe/Paris');
ALTER TABLE sales ALTER COLUMN sold_at SET DATA TYPE TIMESTAMPTZ
    USING (sold_at AT TIME ZONE 'Europe/Paris');
ALTER TABLE invoices ALTER COLUMN issued_at SET DATA TYPE TIMESTAMPTZ
    USING (issued_at AT TIME ZONE 'Europe/Paris');
ALTER TABLE schema_migrations ALTER COLUMN applied_at SET DATA TYPE TIMESTAMPTZ
    USING (applied_at AT TIME ZONE 'Europe/Paris');
