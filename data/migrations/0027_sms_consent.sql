-- Marketing consent per channel: marketing_opt_in is e-mail's, sms_opt_in SMS's. A consent
-- given before the channels were apart covered both: it is kept for both.
ALTER TABLE customers ADD COLUMN sms_opt_in BOOLEAN DEFAULT false;
ALTER TABLE customers ADD COLUMN sms_opt_in_at TIMESTAMPTZ;
UPDATE customers SET sms_opt_in = marketing_opt_in, sms_opt_in_at = marketing_opt_in_at;
-- Each change names its channel (NULL: both, as before); an imported one the system it
-- came from and the date that system gave, where it had one.
ALTER TABLE consent_history ADD COLUMN channel VARCHAR;
ALTER TABLE consent_history ADD COLUMN source VARCHAR;
ALTER TABLE consent_history ADD COLUMN source_at TIMESTAMPTZ;
