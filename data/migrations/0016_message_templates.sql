-- Message templates, one per code and language: the customer's language picks
-- it. Fields in braces ({first_name}) are checked when a template is saved.
CREATE TABLE message_templates (
    code VARCHAR NOT NULL,
    language VARCHAR NOT NULL,
    subject VARCHAR NOT NULL,
    body VARCHAR NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (code, language)
);

INSERT INTO message_templates (code, language, subject, body, updated_at) VALUES
    ('bike_ready', 'en', 'Your bike is ready',
     'Hello {first_name}, your bike is ready for collection at {shop_name}. See you soon!',
     current_timestamp),
    ('bike_ready', 'fr', 'Votre vélo est prêt',
     'Bonjour {first_name}, votre vélo est prêt, vous pouvez passer le chercher chez {shop_name}. À bientôt !',
     current_timestamp),
    ('balance_reminder', 'en', 'Your account with {shop_name}',
     'Hello {first_name}, your account {account_number} shows a balance of {balance}. Thank you for settling it at your next visit. {shop_name}',
     current_timestamp),
    ('balance_reminder', 'fr', 'Votre compte chez {shop_name}',
     'Bonjour {first_name}, votre compte {account_number} présente un solde de {balance}. Merci de le régler lors de votre prochain passage. {shop_name}',
     current_timestamp),
    ('service_reminder', 'en', 'Time for a service',
     'Hello {first_name}, it is time to have your bike serviced. Call us on {shop_phone} or drop in at {shop_name}.',
     current_timestamp),
    ('service_reminder', 'fr', 'C''est l''heure de la révision',
     'Bonjour {first_name}, il est temps de faire réviser votre vélo. Appelez-nous au {shop_phone} ou passez chez {shop_name}.',
     current_timestamp);
