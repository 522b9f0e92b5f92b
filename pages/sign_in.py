"""Sign in: a local account (user name and password), or the organisation's identity provider."""

from ui import auth

auth.sign_in_form()
