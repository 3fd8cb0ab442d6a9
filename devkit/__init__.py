"""Development helpers shared by the tests and the benchmarks (throwaway PostgreSQL, a
loopback SMTP server and fake Twilio); never imported by the app."""
