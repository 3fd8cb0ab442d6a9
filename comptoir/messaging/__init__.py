"""The edges that send and receive: e-mail through SMTP (yagmail), SMS through Twilio."""
