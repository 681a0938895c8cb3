"""Signing in through the gateway (the auth service's password grant), for the e2e tests that
run a system under the `secure` profile."""
import urllib.parse


def login(system, user, password):
    """The Authorization header of `user`, signed in through the gateway."""
    form = urllib.parse.urlencode({"grant_type": "password", "username": user, "password": password})
    res = system.http("POST", "/oauth/token", form, headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert res.status == 200, res.body
    return {"Authorization": "Bearer " + res.json()["access_token"]}
