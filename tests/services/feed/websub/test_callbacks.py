"""Which callback addresses the hub calls: public ones, and private ones only when allowed."""

from __future__ import annotations

import ipaddress

import pytest

from services.feed.websub.callbacks import CallbackRefused, blocked, parse_callback, resolve

UNSPECIFIED = "0.0.0.0"  # noqa: S104 - an address to refuse, not one to bind
NEVER = ["169.254.169.254", "fd00:ec2::254", "100.100.100.200", "::ffff:169.254.169.254"]
PRIVATE = ["127.0.0.1", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.1.1", "::1",
           "fe80::1", "fc00::1", "::ffff:127.0.0.1", "100.64.0.1", UNSPECIFIED]
PUBLIC = ["93.184.216.34", "2606:2800:220:1:248:1893:25c8:1946", "8.8.8.8"]


@pytest.mark.parametrize("address", NEVER)
def test_metadata_addresses_are_always_refused(address: str) -> None:
    ip = ipaddress.ip_address(address)
    assert blocked(ip, allow_private=False)
    assert blocked(ip, allow_private=True)


@pytest.mark.parametrize("address", PRIVATE)
def test_private_addresses_need_the_allowance(address: str) -> None:
    ip = ipaddress.ip_address(address)
    assert blocked(ip, allow_private=False)
    if address != UNSPECIFIED:
        assert not blocked(ip, allow_private=True)


@pytest.mark.parametrize("address", PUBLIC)
def test_public_addresses_are_called(address: str) -> None:
    assert not blocked(ipaddress.ip_address(address), allow_private=False)


@pytest.mark.parametrize(
    ("url", "why"),
    [
        ("ftp://93.184.216.34/x", "http:// or https://"),
        ("http:///path", "no host"),
        ("http://user:pw@93.184.216.34/", "credentials"),
        ("http://93.184.216.34:99999/", "bad port"),
        ("http://93.184.216.34/a b", "spaces"),
        ("http://93.184.216.34/" + "a" * 2000, "longer than"),
    ],
)
def test_malformed_callbacks_are_refused(url: str, why: str) -> None:
    with pytest.raises(CallbackRefused, match=why):
        parse_callback(url)


def test_resolve_checks_the_address_and_keeps_it() -> None:
    target = resolve("http://93.184.216.34:8080/cb?x=1", allow_private=False)
    assert (target.host, target.port, target.path, target.address) == (
        "93.184.216.34", 8080, "/cb?x=1", "93.184.216.34"
    )
    with pytest.raises(CallbackRefused, match="loopback, private"):
        resolve("http://localhost:8080/cb", allow_private=False)
    assert resolve("http://localhost:8080/cb", allow_private=True).address in ("127.0.0.1", "::1")
    with pytest.raises(CallbackRefused, match="does not resolve"):
        resolve("http://no-such-host.invalid/cb", allow_private=True)
