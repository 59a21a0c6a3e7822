"""allauth's OpenID Connect URLs and views, served with the strict e-ID adapter
(``hedershus.accounts.eid_provider``): allauth's own views build its plain adapter, which skips
the id_token's signature check. ``EidProvider.get_package`` names this package, so allauth
includes these URLs instead of its own, under the same names."""
