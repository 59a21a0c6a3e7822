"""The partner portal has no models: it shows what partners, referrals and consultations hold."""
