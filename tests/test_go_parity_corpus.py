"""The Go parity corpus: certificates and servers generated at test time, byte by byte, across
the rules of Go's crypto/x509 and crypto/tls, each served on loopback and checked two ways: by
a real Go client (a module built with the toolchain's own go line) and by hec-doctor. The text
Go prints must be hec-doctor's ``logpush.predicted_error`` letter for letter ("OK" when Go
accepts and hec-doctor predicts no error). The report's error is measured by the Go probe; the
ported verifier's own prediction, kept beside it, must be the same text in every scenario.

Classes: name constraints, certificate policies, parse-time rejections, key and algorithm
floors, what Go offers in the handshake, host matching, and chain causes.
"""

from __future__ import annotations

import datetime as dt
import ssl
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests import derforge as f
from tests.derforge import Forged, Spec
from tests.goclient import go_says
from tests.helpers import check_live
from tests.servers import raw_server, tls_handler

H = "hec.test"
PASTS = f.NOW - dt.timedelta(days=30)
FUTURE = f.NOW + dt.timedelta(days=30)


@dataclass
class Case:
    """A server: the chain it sends (leaf first), the key of the leaf, and what is trusted."""

    chain: list[Forged]
    roots: list[Forged]
    host: str = H
    ciphers: str | None = None
    max_version: ssl.TLSVersion | None = None
    extra_pem: list[bytes] = field(default_factory=list)


def root(cn: str = "Parity Root", **kw: object) -> Forged:
    return f.ca(cn, **kw)  # type: ignore[arg-type]


def simple(host: str = H, **leaf_kw: object) -> Case:
    r = root()
    i = f.ca("Parity Intermediate", r)
    return Case([f.leaf(host, i, **leaf_kw), i], [r], host)  # type: ignore[arg-type]


def constrained(on: str = "intermediate", *, permitted: tuple[bytes, ...] = (),
                excluded: tuple[bytes, ...] = (), host: str = H, names: bytes | None = None,
                critical: bool = True) -> Case:
    nc = f.name_constraints(permitted, excluded, critical)
    r = root(extra=(nc,) if on == "root" else ())
    i = f.ca("Parity Intermediate", r, extra=(nc,) if on == "intermediate" else ())
    return Case([f.leaf(host, i, names=names), i], [r], host)


def dns(value: str) -> bytes:
    return f.subtree("dns", value)


def ipc(value: str) -> bytes:
    return f.subtree("ip", value)


def raw_ip(address: bytes, mask: bytes) -> bytes:
    return f.seq(f.ctx(7, address + mask))


def email(value: str) -> bytes:
    return f.subtree("email", value)


def uri(value: str) -> bytes:
    return f.subtree("uri", value)


def with_leaf(spec_change: Callable[[Spec], None], *, issuer_kind: str = "ec",
              leaf_kind: str = "ec", sig: str | None = None) -> Case:
    """A chain whose leaf is built from a changed Spec (the rest standard)."""
    r = root()
    i = f.ca("Parity Intermediate", r, key_kind=issuer_kind)
    key = f.new_key(leaf_kind)
    spec = Spec(f.name(H), [f.san(dns=(H,)), f.akid(i.key_identifier), f.eku(f.SERVER_AUTH)],
                sig=sig)
    spec_change(spec)
    return Case([f.forge(spec, key, i), i], [r])


def with_extra(spec_change: Callable[[Spec], None], key_kind: str = "ec") -> Case:
    """A good chain plus one extra, unused certificate built from a changed Spec: Go parses
    every certificate the server sends."""
    case = simple()
    key = f.new_key(key_kind)
    spec = Spec(f.name("Extra"), [f.basic_constraints(False)])
    spec_change(spec)
    case.chain.append(f.forge(spec, key))
    return case


def policy_chain(inter_ext: tuple[bytes, ...], leaf_ext: tuple[bytes, ...] = (),
                 root_ext: tuple[bytes, ...] = ()) -> Case:
    r = root(extra=root_ext)
    i = f.ca("Parity Intermediate", r, extra=inter_ext)
    return Case([f.leaf(H, i, extra=leaf_ext), i], [r])


P1, P2 = "1.3.6.1.4.1.55555.1.1", "1.3.6.1.4.1.55555.1.2"


def _set(**fields: object) -> Callable[[Spec], None]:
    def change(spec: Spec) -> None:
        for key, value in fields.items():
            setattr(spec, key, value)
    return change


def _ext(*extra: bytes, replace: bool = False) -> Callable[[Spec], None]:
    def change(spec: Spec) -> None:
        spec.extensions = list(extra) if replace else spec.extensions + list(extra)
    return change


def _subject(value: bytes) -> Callable[[Spec], None]:
    return _set(subject=value)


def _tweak_spki(transform: Callable[[bytes], bytes]) -> Callable[[Spec], None]:
    def change(spec: Spec) -> None:
        spec.spki = transform(f.spki(f.new_key("rsa1024")))
    return change


def _rsa_spki_without_null(spki: bytes) -> bytes:
    """An RSA SubjectPublicKeyInfo whose algorithm lacks the NULL parameters RFC 3279 requires."""
    from hec_doctor.gox509.parse import SEQUENCE, Der

    body = Der(Der(spki).read(SEQUENCE) or b"")
    body.read(SEQUENCE)
    key_bits = body.read_any(with_header=True)
    assert key_bits is not None
    return f.seq(f.seq(f.oid("1.2.840.113549.1.1.1")), key_bits[1])


def _secp256k1_spki() -> bytes:
    from cryptography.hazmat.primitives.asymmetric import ec

    return f.spki(ec.generate_private_key(ec.SECP256K1()))


def _ed25519_with_params() -> bytes:
    from cryptography.hazmat.primitives.asymmetric import ed25519

    raw = f.spki(ed25519.Ed25519PrivateKey.generate())
    key = raw[-32:]
    return f.seq(f.seq(f.oid("1.3.101.112"), f.NULL), f.bits(key))


def _san_unicode() -> bytes:
    return f.ext("2.5.29.17", f.seq(f.ctx(2, "bücher.test".encode())))


def _crit_unknown() -> bytes:
    return f.ext("1.3.6.1.4.1.55555.9", f.NULL, critical=True)


def _two_chains_same_subject(kinds: tuple[str, ...]) -> Case:
    r = root()
    i = f.ca("Parity Intermediate", r)
    imposters = [f.ca("Parity Intermediate", r) for _ in kinds]
    return Case([f.leaf(H, i), *imposters], [r])


def _sig_limit() -> Case:
    r = root()
    i = f.ca("Parity Intermediate", r)
    real_leaf = f.leaf(H, i)
    # 101 intermediates with the leaf's issuer name and other keys: Go gives up after 100
    # signature checks.
    decoys = [f.ca("Parity Intermediate", root("Decoy Root")) for _ in range(101)]
    return Case([real_leaf, *decoys], [r])


def _encoding_mismatch() -> Case:
    r = root()
    key = f.new_key()
    inter_subject = f.name("Parity Intermediate", "hec-doctor parity")
    i = f.forge(Spec(inter_subject, [f.basic_constraints(True), f.key_usage(5, 6),
                                     f.skid(f.key_id(key)), f.akid(r.key_identifier)]), key, r)
    # The leaf names its issuer in PrintableString where the CA wrote UTF8String.
    printable = f.name("Parity Intermediate", "hec-doctor parity", string_tag=0x13)
    lkey = f.new_key()
    leaf = f.forge(Spec(f.name(H), [f.san(dns=(H,)), f.akid(i.key_identifier)],
                        issuer_name=printable), lkey, i)
    return Case([leaf, i], [r])


def _root_other_key() -> Case:
    real = root("Shared Root Name")
    impostor = root("Shared Root Name")  # same name, another key: the one trusted
    return Case([f.leaf(H, real)], [impostor])


def _bad_signature(kind: str) -> Case:
    r = root()
    i = f.ca("Parity Intermediate", r, key_kind=kind)
    good = f.leaf(H, i)
    der = bytearray(good.der)
    der[-5] ^= 0x01  # flip a bit in the signature
    return Case([Forged(bytes(der), good.key, good.subject, good.key_identifier), i], [r])


def _wrong_algorithm(claimed: str, issuer_kind: str) -> Case:
    """The leaf claims ``claimed`` but is signed by an issuer of another key type."""
    r = root()
    i = f.ca("Parity Intermediate", r, key_kind=issuer_kind)
    key = f.new_key()
    spec = Spec(f.name(H), [f.san(dns=(H,)), f.akid(i.key_identifier)],
                inner_algorithm=f.algorithm(claimed))
    return Case([f.forge(spec, key, i), i], [r])


def _unknown_signature_oid() -> Case:
    r = root()
    i = f.ca("Parity Intermediate", r)
    spec = Spec(f.name(H), [f.san(dns=(H,)), f.akid(i.key_identifier)],
                inner_algorithm=f.seq(f.oid("1.2.3.4.5")))
    return Case([f.forge(spec, f.new_key(), i), i], [r])


def _pss(salt: int = 32, **params: object) -> Case:
    r = root(key_kind="rsa2048")
    i = f.ca("Parity Intermediate", r, key_kind="rsa2048")
    spec = Spec(f.name(H), [f.san(dns=(H,)), f.akid(i.key_identifier)], sig="rsa-pss",
                inner_algorithm=f.algorithm("rsa-pss", f.pss_params(salt=salt, **params)),
                pss_salt=salt)
    return Case([f.forge(spec, f.new_key(), i), i], [r])


def _eku_chain(inter_usages: tuple[str, ...], leaf_usages: tuple[str, ...] = (f.SERVER_AUTH,)
               ) -> Case:
    r = root()
    i = f.ca("Parity Intermediate", r, extra=(f.eku(*inter_usages),) if inter_usages else ())
    return Case([f.leaf(H, i, usages=leaf_usages), i], [r])


def _many_names() -> Case:
    return simple(names=f.san(dns=tuple(f"n{i}.other" for i in range(100))))


def _expired_root() -> Case:
    r = root(not_before=f.time_of(f.NOW - dt.timedelta(days=400)),
             not_after=f.time_of(PASTS))
    return Case([f.leaf(H, r)], [r])


def _expired_intermediate() -> Case:
    r = root()
    i = f.ca("Parity Intermediate", r, not_before=f.time_of(f.NOW - dt.timedelta(days=400)),
             not_after=f.time_of(PASTS))
    return Case([f.leaf(H, i), i], [r])


def _path_len() -> Case:
    r = root(path_len=0)
    i = f.ca("Parity Intermediate", r)
    return Case([f.leaf(H, i), i], [r])


def _not_a_ca() -> Case:
    r = root()
    key = f.new_key()
    i = f.forge(Spec(f.name("Parity Intermediate", "hec-doctor parity"),
                     [f.basic_constraints(False), f.skid(f.key_id(key)),
                      f.akid(r.key_identifier)]), key, r)
    return Case([f.leaf(H, i), i], [r])


def _no_cert_sign() -> Case:
    r = root()
    key = f.new_key()
    i = f.forge(Spec(f.name("Parity Intermediate", "hec-doctor parity"),
                     [f.basic_constraints(True), f.key_usage(0), f.skid(f.key_id(key)),
                      f.akid(r.key_identifier)]), key, r)
    return Case([f.leaf(H, i), i], [r])


def _leaf_in_roots() -> Case:
    key = f.new_key()
    self_signed = f.forge(Spec(f.name(H), [f.san(dns=(H,)), f.basic_constraints(False)]), key)
    return Case([self_signed], [self_signed])


def _expired_offset() -> Case:
    return with_leaf(_set(not_before=f.utc_time(f.NOW, "250101000000+0130"),
                          not_after=f.utc_time(f.NOW, "250601000000+0130")))


def _ed25519_chain() -> Case:
    r = root(key_kind="ed25519")
    i = f.ca("Parity Intermediate", r, key_kind="ed25519")
    return Case([f.leaf(H, i, key_kind="ed25519"), i], [r])


def _rsa_chain(leaf_kind: str = "rsa2048", inter_kind: str = "rsa2048",
               root_kind: str = "rsa2048", leaf_sig: str | None = None) -> Case:
    r = root(key_kind=root_kind)
    i = f.ca("Parity Intermediate", r, key_kind=inter_kind)
    return Case([f.leaf(H, i, key_kind=leaf_kind, sig=leaf_sig), i], [r])


def _root_signs_leaf(root_kind: str) -> Case:
    r = root(key_kind=root_kind)
    return Case([f.leaf(H, r)], [r])


def _tls12(ciphers: str, key_kind: str = "ec") -> Case:
    case = simple(key_kind=key_kind)
    case.ciphers, case.max_version = ciphers, ssl.TLSVersion.TLSv1_2
    return case


URI_HOST = f.san(dns=(H,), uris=("https://other.example/x",))

SCENARIOS: dict[str, Callable[[], Case]] = {
    # --- name constraints (constraints.go) ---------------------------------------------------
    "nc-dns-permitted-match": lambda: constrained(permitted=(dns(H),)),
    "nc-dns-permitted-parent": lambda: constrained(permitted=(dns("test"),)),
    "nc-dns-permitted-dot-parent": lambda: constrained(permitted=(dns(".test"),)),
    "nc-dns-permitted-miss": lambda: constrained(permitted=(dns("example.com"),)),
    "nc-dns-excluded-hit": lambda: constrained(excluded=(dns(H),)),
    "nc-dns-excluded-parent": lambda: constrained(excluded=(dns("test"),)),
    "nc-dns-leading-period-not-apex": lambda: constrained(permitted=(dns(".hec.test"),)),
    "nc-dns-label-boundary": lambda: constrained(permitted=(dns("ec.test"),)),
    "nc-dns-case-insensitive": lambda: constrained(permitted=(dns("HEC.TEST"),)),
    "nc-dns-several-permitted": lambda: constrained(permitted=(dns("a.example"), dns("test"),
                                                               dns("b.example"))),
    "nc-dns-other-san-violates": lambda: constrained(
        permitted=(dns(H),), names=f.san(dns=(H, "other.example"))),
    "nc-dns-on-root": lambda: constrained("root", permitted=(dns("example.com"),)),
    "nc-dns-on-root-excluded": lambda: constrained("root", excluded=(dns(H),)),
    "nc-dns-wildcard-permitted": lambda: constrained(
        permitted=(dns(H),), host="x.hec.test", names=f.san(dns=("*.hec.test",))),
    "nc-dns-wildcard-excluded-sibling": lambda: constrained(
        excluded=(dns("b.hec.test"),), host="a.hec.test", names=f.san(dns=("*.hec.test",))),
    "nc-dns-empty-permits-all": lambda: constrained(permitted=(dns(""),)),
    "nc-dns-empty-excludes-all": lambda: constrained(excluded=(dns(""),)),
    "nc-dns-trailing-dot-san": lambda: constrained(
        permitted=(dns("test"),), names=f.san(dns=(H, "other.test."))),
    "nc-dns-noncritical": lambda: constrained(permitted=(dns("example.com"),), critical=False),
    "nc-dns-permitted-and-excluded": lambda: constrained(permitted=(dns("test"),),
                                                         excluded=(dns("hec.test"),)),
    "nc-ip-permitted-match": lambda: constrained(permitted=(ipc("127.0.0.0/8"),),
                                                 host="127.0.0.1"),
    "nc-ip-permitted-miss": lambda: constrained(permitted=(ipc("10.0.0.0/8"),), host="127.0.0.1"),
    "nc-ip-excluded": lambda: constrained(excluded=(ipc("127.0.0.0/24"),), host="127.0.0.1"),
    "nc-ip-excluded-host-bits": lambda: constrained(
        excluded=(raw_ip(bytes([127, 0, 0, 9]), bytes([255, 255, 255, 0])),), host="127.0.0.1"),
    "nc-ip-only-v6-permitted": lambda: constrained(permitted=(ipc("2001:db8::/32"),),
                                                   host="127.0.0.1"),
    "nc-ip-dns-san-unconstrained-kind": lambda: constrained(permitted=(ipc("10.0.0.0/8"),)),
    "nc-ip-invalid-mask": lambda: constrained(
        permitted=(raw_ip(bytes([10, 0, 0, 0]), bytes([255, 0, 255, 0])),)),
    "nc-ip-v4-mapped": lambda: constrained(
        permitted=(raw_ip(b"\0" * 10 + b"\xff\xff\x0a\0\0\0", b"\xff" * 12 + b"\0" * 4),)),
    "nc-ip-bad-length": lambda: constrained(permitted=(f.seq(f.ctx(7, b"\x0a\0\0\0\xff")),)),
    "nc-email-permitted-miss": lambda: constrained(
        permitted=(email("test"),), names=f.san(dns=(H,), emails=("ops@other.example",))),
    "nc-email-full-match": lambda: constrained(
        permitted=(email("ops@hec.test"),), names=f.san(dns=(H,), emails=("ops@hec.test",))),
    "nc-email-full-miss": lambda: constrained(
        permitted=(email("ops@hec.test"),), names=f.san(dns=(H,), emails=("dev@hec.test",))),
    "nc-email-excluded-domain": lambda: constrained(
        excluded=(email(".test"),), names=f.san(dns=(H,), emails=("ops@hec.test",))),
    "nc-email-bad-constraint": lambda: constrained(permitted=(email("a@@b"),)),
    "nc-uri-permitted-miss": lambda: constrained(permitted=(uri(H),), names=URI_HOST),
    "nc-uri-with-ip": lambda: constrained(
        permitted=(uri(H),), names=f.san(dns=(H,), uris=("https://10.0.0.1/",))),
    "nc-uri-empty-host": lambda: constrained(
        permitted=(uri(H),), names=f.san(dns=(H,), uris=("urn:x:y",))),
    "nc-uri-with-port": lambda: constrained(
        permitted=(uri(H),), names=f.san(dns=(H,), uris=("https://hec.test:8088/x",))),
    "nc-uri-constraint-ip": lambda: constrained(permitted=(uri("10.0.0.1"),)),
    "nc-dns-constraint-invalid": lambda: constrained(permitted=(dns("bad..name"),)),
    "nc-empty-extension": lambda: constrained(),
    "nc-directory-name-critical": lambda: constrained(
        permitted=(f.seq(f.ctx(4, f.name("x"), constructed=True)),)),
    "nc-two-layers": lambda: _two_layer_constraints(),
    "nc-root-constrains-intermediate-san": lambda: _root_constrains_intermediate(),
    # --- certificate policies (policiesValid, RFC 5280 6.1 / RFC 9618) -------------------------
    "pol-none": lambda: policy_chain(()),
    "pol-any-everywhere": lambda: policy_chain((f.policies(f.ANY_POLICY),),
                                               (f.policies(f.ANY_POLICY),)),
    "pol-require-explicit-leaf-without": lambda: policy_chain(
        (f.policies(P1), f.policy_constraints(require=0))),
    "pol-require-explicit-satisfied": lambda: policy_chain(
        (f.policies(P1), f.policy_constraints(require=0)), (f.policies(P1),)),
    "pol-require-explicit-mismatch": lambda: policy_chain(
        (f.policies(P1), f.policy_constraints(require=0)), (f.policies(P2),)),
    "pol-require-explicit-any-leaf": lambda: policy_chain(
        (f.policies(P1), f.policy_constraints(require=0)), (f.policies(f.ANY_POLICY),)),
    "pol-mapping-any-invalid": lambda: policy_chain(
        (f.policies(P1), f.policy_mappings((f.ANY_POLICY, P2))), (f.policies(P2),)),
    "pol-mapping-ok": lambda: policy_chain(
        (f.policies(P1), f.policy_mappings((P1, P2)), f.policy_constraints(require=0)),
        (f.policies(P2),)),
    "pol-mapping-inhibited": lambda: policy_chain(
        (f.policies(P1), f.policy_mappings((P1, P2)), f.policy_constraints(require=0, inhibit=0)),
        (f.policies(P2),)),
    "pol-inhibit-any": lambda: policy_chain(
        (f.policies(f.ANY_POLICY), f.inhibit_any_policy(0), f.policy_constraints(require=0)),
        (f.policies(f.ANY_POLICY),)),
    "pol-root-constraints-ignored": lambda: policy_chain(
        (), (), (f.policy_constraints(require=0),)),
    "pol-leaf-require-zero": lambda: policy_chain((), (f.policy_constraints(require=0),)),
    "pol-leaf-policy-only": lambda: policy_chain((), (f.policies(P1),)),
    "pol-duplicate-oid": lambda: policy_chain((), (f.policies(P1, P1),)),
    "pol-and-eku-both-fail": lambda: _policy_and_eku(),
    # --- parse-time rejections (parser.go) ---------------------------------------------------
    "parse-negative-serial-leaf": lambda: with_leaf(_set(serial=f.integer(-5))),
    "parse-negative-serial-extra": lambda: with_extra(_set(serial=f.integer(-77))),
    "parse-zero-serial": lambda: with_leaf(_set(serial=f.integer(0))),
    "parse-duplicate-extension": lambda: with_extra(_ext(f.skid(b"\x01" * 20),
                                                        f.skid(b"\x02" * 20))),
    "parse-signature-algorithms-differ": lambda: with_leaf(_set(
        outer_algorithm=f.seq(f.oid("1.2.840.10045.4.3.3")))),
    "parse-v4-mapped-ip-san": lambda: with_extra(_ext(f.ext("2.5.29.17", f.seq(
        f.ctx(2, H.encode()), f.ctx(7, b"\0" * 10 + b"\xff\xff\x7f\0\0\x01"))), replace=False)),
    "parse-ip-san-length-5": lambda: with_extra(_ext(f.ext("2.5.29.17", f.seq(
        f.ctx(7, b"\x01\x02\x03\x04\x05"))))),
    "parse-version-4": lambda: with_extra(_set(version=4)),
    "parse-version-2": lambda: with_extra(_set(version=2)),
    "parse-utctime-fraction": lambda: with_extra(_set(
        not_after=f.utc_time(f.NOW, "351231235959.5Z"))),
    "parse-utctime-no-seconds": lambda: with_leaf(_set(
        not_after=f.utc_time(f.NOW, FUTURE.strftime("%y%m%d%H%MZ")))),
    "parse-utctime-offset-zero": lambda: with_extra(_set(
        not_after=f.utc_time(f.NOW, "351231235959+0000"))),
    "parse-generalized-time-before-2050": lambda: with_leaf(_set(
        not_after=f.gen_time(FUTURE))),
    "parse-generalized-time-fraction": lambda: with_extra(_set(
        not_after=f.gen_time(FUTURE, "20351231235959.123Z"))),
    "parse-bad-month": lambda: with_extra(_set(not_after=f.utc_time(f.NOW, "351331235959Z"))),
    "parse-printable-string-at-sign": lambda: with_extra(_subject(
        f.seq(f.set_of(f.seq(f.oid("2.5.4.3"), f.tlv(0x13, b"ops@hec")))))),
    "parse-key-usage-padding": lambda: with_extra(_ext(f.ext("2.5.29.15",
                                                             f.tlv(0x03, b"\x08\x05")))),
    "parse-basic-constraints-negative": lambda: with_extra(_ext(
        f.ext("2.5.29.19", f.seq(f.boolean(True), f.integer(-1)), True), replace=True)),
    "parse-akid-critical": lambda: with_extra(_ext(f.ext("2.5.29.35", f.seq(
        f.ctx(0, b"\x01" * 20)), True))),
    "parse-skid-critical": lambda: with_extra(_ext(f.skid(b"\x01" * 20, critical=True))),
    "parse-aia-critical": lambda: with_extra(_ext(f.ext("1.3.6.1.5.5.7.1.1", f.seq(), True))),
    "parse-eku-not-oid": lambda: with_extra(_ext(f.ext("2.5.29.37", f.seq(f.integer(1))))),
    "parse-san-dns-not-ascii": lambda: with_extra(_ext(_san_unicode())),
    "parse-san-uri-bad-domain": lambda: with_extra(_ext(f.san(uris=("https://bad..host/",)))),
    "parse-rsa-key-without-null": lambda: with_extra(_tweak_spki(_rsa_spki_without_null)),
    "parse-unsupported-curve": lambda: with_extra(_set(spki=_secp256k1_spki())),
    "parse-ed25519-with-parameters": lambda: with_extra(_set(spki=_ed25519_with_params())),
    "parse-extension-critical-not-der": lambda: with_extra(_ext(
        f.seq(f.oid("2.5.29.14"), f.tlv(0x01, b"\x01"), f.octets(f.octets(b"\x01"))))),
    "parse-crl-distribution-points-bad": lambda: with_extra(_ext(f.ext("2.5.29.31",
                                                                       f.integer(1)))),
    "parse-policy-mappings-bad": lambda: with_extra(_ext(f.ext("2.5.29.33", f.seq(f.seq(
        f.oid(P1)))))),
    "parse-inhibit-any-bad": lambda: with_extra(_ext(f.ext("2.5.29.54", f.octets(b"x")))),
    "parse-policy-constraints-bad": lambda: with_extra(_ext(f.ext("2.5.29.36", f.integer(0)))),
    "parse-name-constraints-trailing": lambda: with_extra(_ext(f.ext(
        "2.5.29.30", f.seq(f.ctx(0, dns("x"), True)) + f.NULL))),
    "parse-san-empty-critical": lambda: with_leaf(_ext(f.ext("2.5.29.17", f.seq(), True),
                                                       replace=True)),
    "parse-unknown-critical-leaf": lambda: with_leaf(_ext(_crit_unknown())),
    "parse-unknown-critical-intermediate": lambda: _critical_intermediate(),
    "parse-length-not-minimal": lambda: with_extra(_subject(b"\x30\x81\x02\x31\x00")),
    # --- key and algorithm floors ------------------------------------------------------------
    "key-rsa-512-intermediate": lambda: _rsa_chain(inter_kind="rsa512"),
    "key-rsa-768-root": lambda: _root_signs_leaf("rsa768"),
    "key-rsa-1024-intermediate": lambda: _rsa_chain(inter_kind="rsa1024"),
    "key-rsa-768-leaf": lambda: _rsa_chain(leaf_kind="rsa768"),
    "key-rsa-1024-leaf": lambda: _rsa_chain(leaf_kind="rsa1024"),
    "sig-md5-leaf": lambda: _rsa_chain(leaf_sig="rsa-md5"),
    "sig-sha1-leaf": lambda: _rsa_chain(leaf_sig="rsa-sha1"),
    "sig-ecdsa-sha1-leaf": lambda: simple(sig="ecdsa-sha1"),
    "sig-md5-intermediate": lambda: _md5_intermediate(),
    "sig-md5-leaf-tls12": lambda: _tls12_chain(_rsa_chain(leaf_sig="rsa-md5"),
                                               "ECDHE-RSA-AES128-GCM-SHA256"),
    "sig-sha224-leaf": lambda: _sha224_leaf(),
    "sig-pss-standard": lambda: _pss(),
    "sig-pss-salt-20": lambda: _pss(salt=20),
    "sig-pss-mgf-hash-differs": lambda: _pss(mgf_hash="2.16.840.1.101.3.4.2.2"),
    "sig-pss-trailer-2": lambda: _pss(trailer=2),
    "sig-pss-sha384-salt-32": lambda: _pss(salt=32, hash_oid="2.16.840.1.101.3.4.2.2"),
    "sig-claims-ecdsa-issuer-rsa": lambda: _wrong_algorithm("ecdsa-sha256", "rsa2048"),
    "sig-claims-rsa-issuer-ecdsa": lambda: _wrong_algorithm("rsa-sha256", "ec"),
    "sig-claims-ed25519-issuer-ecdsa": lambda: _wrong_algorithm("ed25519", "ec"),
    "sig-unknown-algorithm": lambda: _unknown_signature_oid(),
    "sig-ecdsa-corrupted": lambda: _bad_signature("ec"),
    "sig-rsa-corrupted": lambda: _bad_signature("rsa2048"),
    "sig-ed25519-chain": lambda: _ed25519_chain(),
    "sig-ecdsa-p384-leaf": lambda: simple(key_kind="ec384"),
    # --- what Go offers in the handshake ---------------------------------------------------
    "tls12-ecdhe-gcm": lambda: _tls12("ECDHE-ECDSA-AES128-GCM-SHA256"),
    "tls12-ecdhe-chacha": lambda: _tls12("ECDHE-ECDSA-CHACHA20-POLY1305"),
    "tls12-ecdhe-cbc-sha": lambda: _tls12("ECDHE-ECDSA-AES256-SHA"),
    "tls12-ecdhe-cbc-sha256-only": lambda: _tls12("ECDHE-ECDSA-AES128-SHA256"),
    "tls12-rsa-key-exchange-only": lambda: _tls12("AES128-GCM-SHA256:AES128-SHA", "rsa2048"),
    "tls12-dhe-only": lambda: _tls12("DHE-RSA-AES128-GCM-SHA256", "rsa2048"),
    "tls12-ecdhe-rsa": lambda: _tls12("ECDHE-RSA-AES128-GCM-SHA256", "rsa2048"),
    # --- host matching -------------------------------------------------------------------------
    "host-ipv4-mapped-matches-ipv4-san": lambda: simple(host="::ffff:127.0.0.1",
                                                        names=f.san(ips=("127.0.0.1",))),
    "host-ipv4-mapped-misses": lambda: simple(host="::ffff:127.0.0.1",
                                              names=f.san(ips=("10.0.0.1",))),
    "host-upper-case-matches": lambda: simple(host="HEC.TEST", names=f.san(dns=(H,))),
    "host-upper-case-kept-in-error": lambda: simple(host="HEC.Test",
                                                    names=f.san(dns=("other.test",))),
    "host-trailing-dot": lambda: simple(host="hec.test.", names=f.san(dns=(H,))),
    "host-ipv6": lambda: simple(host="::1", names=f.san(ips=("::1",))),
    "host-ipv6-miss": lambda: simple(host="::1", names=f.san(ips=("2001:db8::1",))),
    "host-ip-written-as-dns-san": lambda: simple(host="127.0.0.1", names=f.san(dns=("127.0.0.1",))),
    "host-uri-only-san": lambda: simple(names=f.san(uris=("https://hec.test/",))),
    "host-email-only-san": lambda: simple(names=f.san(emails=("ops@hec.test",))),
    "host-unicode": lambda: simple(host="bücher.test", names=f.san(dns=("xn--bcher-kva.test",))),
    "host-many-names": lambda: _many_names(),
    "host-wildcard-in-middle": lambda: simple(host="a.hec.test", names=f.san(dns=("a.*.test",))),
    "host-wildcard-partial-label": lambda: simple(host="ahec.test", names=f.san(dns=("a*.test",))),
    "host-underscore": lambda: simple(host="my_hec.test", names=f.san(dns=("my_hec.test",))),
    # --- chain causes ----------------------------------------------------------------------------
    "chain-expired-root": lambda: _expired_root(),
    "chain-expired-intermediate": lambda: _expired_intermediate(),
    "chain-not-yet-valid-leaf": lambda: with_leaf(_set(not_before=f.time_of(FUTURE),
                                                       not_after=f.time_of(FUTURE + (FUTURE - f.NOW)))),
    "chain-expired-leaf-offset-times": lambda: _expired_offset(),
    "chain-path-length-exceeded": lambda: _path_len(),
    "chain-intermediate-not-ca": lambda: _not_a_ca(),
    "chain-intermediate-no-cert-sign": lambda: _no_cert_sign(),
    "chain-name-encoding-differs": lambda: _encoding_mismatch(),
    "chain-root-same-name-other-key": lambda: _root_other_key(),
    "chain-signature-check-limit": lambda: _sig_limit(),
    "chain-decoy-intermediates": lambda: _two_chains_same_subject(("a", "b")),
    "chain-leaf-is-trusted-root": lambda: _leaf_in_roots(),
    "chain-intermediate-eku-client-only": lambda: _eku_chain((f.CLIENT_AUTH,)),
    "chain-intermediate-eku-any": lambda: _eku_chain((f.ANY_EKU,)),
    "chain-intermediate-eku-server": lambda: _eku_chain((f.SERVER_AUTH,)),
    "chain-leaf-unknown-eku-only": lambda: _eku_chain((), ("1.3.6.1.4.1.55555.7",)),
    "chain-leaf-no-eku": lambda: _eku_chain((), ()),
}


def _md5_intermediate() -> Case:
    r = root(key_kind="rsa2048")
    key = f.new_key("rsa2048")
    i = f.forge(Spec(f.name("Parity Intermediate", "hec-doctor parity"),
                     [f.basic_constraints(True), f.key_usage(5, 6), f.skid(f.key_id(key)),
                      f.akid(r.key_identifier)], sig="rsa-md5"), key, r)
    return Case([f.leaf(H, i), i], [r])


def _sha224_leaf() -> Case:
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding

    r = root(key_kind="rsa2048")
    i = f.ca("Parity Intermediate", r, key_kind="rsa2048")
    key = f.new_key()
    algo = f.seq(f.oid("1.2.840.113549.1.1.14"), f.NULL)
    spec = Spec(f.name(H), [f.san(dns=(H,)), f.akid(i.key_identifier)], inner_algorithm=algo)
    made = f.forge(spec, key, i)
    # Re-sign the same TBS with SHA-224, as the algorithm says.
    from hec_doctor.gox509.parse import SEQUENCE, Der

    tbs = Der(Der(made.der).read(SEQUENCE) or b"").read(SEQUENCE, with_header=True) or b""
    signature = i.key.sign(tbs, padding.PKCS1v15(), hashes.SHA224())  # type: ignore[attr-defined]
    return Case([Forged(f.seq(tbs, algo, f.bits(signature)), key, made.subject,
                        made.key_identifier), i], [r])


def _tls12_chain(case: Case, ciphers: str) -> Case:
    case.ciphers, case.max_version = ciphers, ssl.TLSVersion.TLSv1_2
    return case


def _two_layer_constraints() -> Case:
    r = root(extra=(f.name_constraints((dns("test"),)),))
    i = f.ca("Parity Intermediate", r, extra=(f.name_constraints((dns("other.test"),)),))
    return Case([f.leaf(H, i), i], [r])


def _root_constrains_intermediate() -> Case:
    r = root(extra=(f.name_constraints((dns("test"),)),))
    i = f.ca("Parity Intermediate", r, extra=(f.san(dns=("bad.example",)),))
    return Case([f.leaf(H, i), i], [r])


def _critical_intermediate() -> Case:
    r = root()
    i = f.ca("Parity Intermediate", r, extra=(_crit_unknown(),))
    return Case([f.leaf(H, i), i], [r])


def _policy_and_eku() -> Case:
    r = root()
    i = f.ca("Parity Intermediate", r, extra=(f.policies(P1), f.policy_constraints(require=0),
                                              f.eku(f.CLIENT_AUTH)))
    return Case([f.leaf(H, i), i], [r])


def _server_context(case: Case) -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.set_ciphers((case.ciphers or "DEFAULT") + ":@SECLEVEL=0")
    if case.max_version is not None:
        context.maximum_version = case.max_version
    with tempfile.TemporaryDirectory() as folder:
        Path(folder, "chain.pem").write_bytes(b"".join(c.pem for c in case.chain))
        Path(folder, "key.pem").write_bytes(case.chain[0].key_pem)
        context.load_cert_chain(Path(folder, "chain.pem"), Path(folder, "key.pem"))
    return context


def test_the_corpus_is_large_enough():
    assert len(SCENARIOS) >= 120


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_go_and_hec_doctor_agree(go_client, tmp_path, name):
    case = SCENARIOS[name]()
    ca = tmp_path / "roots.pem"
    ca.write_bytes(b"".join(r.pem for r in case.roots))
    context = _server_context(case)

    def answer(tls: ssl.SSLSocket) -> None:
        while tls.recv(65536):
            tls.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 35\r\n\r\n"
                        b'{"text":"HEC is healthy","code":17}')

    with raw_server(tls_handler(context, answer)) as port:
        go = go_says(go_client, port, case.host, str(ca))
        report = check_live(case.host, port, str(ca))
    errors = [c for c in report.checks if c.status.value == "error"]
    assert not errors, errors
    # The report shows the measurement (the Go probe), which must be what a separate Go client
    # says; and the port's prediction must be the same text: where the two disagree, the
    # report shows the measurement and this test fails.
    push = report.result("logpush.push")
    assert report.logpush.evidence == "measured with Go 1.27.3", push
    assert go == (report.logpush.predicted_error or "OK"), report.logpush
    assert push.data["port_error"] == push.data["go_error"], push.data
    assert push.data["agrees_with_port"] is True


# --- the cause named right (hec-doctor's own words; Go's are checked above) -----------------

def _report(name: str, tmp_path: Path):
    case = SCENARIOS[name]()
    ca = tmp_path / "roots.pem"
    ca.write_bytes(b"".join(r.pem for r in case.roots))
    with raw_server(tls_handler(_server_context(case))) as port:
        return check_live(case.host, port, str(ca))


@pytest.mark.parametrize(("name", "check_id", "words"), [
    ("chain-intermediate-not-ca", "tls.chain", "the intermediate 'Parity Intermediate' is not a CA"),
    ("chain-intermediate-no-cert-sign", "tls.chain", "may not sign certificates"),
    ("chain-path-length-exceeded", "tls.chain", "path length limit of 'Parity Root'"),
    ("parse-unknown-critical-intermediate", "tls.chain",
     "carries a critical extension Go does not handle"),
    ("chain-root-same-name-other-key", "tls.chain",
     "a trusted root is named 'Shared Root Name', but it did not sign"),
    ("sig-pss-salt-20", "tls.chain", "RSA-PSS parameters"),
    ("chain-name-encoding-differs", "tls.chain", "in another encoding"),
    ("chain-expired-root", "tls.chain", "the trusted root 'Parity Root' has expired"),
    ("chain-expired-intermediate", "tls.chain", "the intermediate 'Parity Intermediate' has "
                                                "expired"),
    ("key-rsa-512-intermediate", "tls.chain", "RSA key under 1024 bits"),
    ("sig-claims-ecdsa-issuer-rsa", "tls.chain", "does not match the issuer's key type"),
    ("nc-dns-permitted-miss", "tls.chain", "name constraints"),
    ("pol-require-explicit-leaf-without", "tls.chain", "certificate policies"),
    ("host-uri-only-san", "tls.hostname", "holds no DNS name or IP address (only URI or email"),
    ("host-ip-written-as-dns-san", "tls.hostname",
     "names 127.0.0.1 as a DNS name, but an IP address is matched against IP subjectAltNames"),
    ("sig-md5-leaf", "tls.handshake", "signed with an algorithm Go does not list"),
    ("parse-negative-serial-leaf", "tls.handshake", "Go refuses a certificate the server sent"),
])
def test_the_cause_is_named(tmp_path, name, check_id, words):
    report = _report(name, tmp_path)
    result = report.result(check_id)
    assert result.status.value == "fail" and words in result.summary, result


def test_a_remedy_never_points_at_checks_that_did_not_fail(tmp_path):
    report = _report("parse-unknown-critical-leaf", tmp_path)
    failed_above = [c.id for c in report.checks if c.id.startswith("tls.")
                    and c.id != "tls.verify" and c.status.value == "fail"]
    verdict = report.result("tls.verify")
    assert verdict.status.value == "fail" and failed_above == []
    assert "above" not in verdict.remediation
    assert "critical extension" in verdict.remediation
    # Where a check above did fail, the remedy names it.
    expired = _report("chain-expired-intermediate", tmp_path)
    assert "tls.chain above" in expired.result("tls.verify").remediation


def test_resolve_pins_a_unicode_host_without_asking_dns(tmp_path):
    from hec_doctor.engine.run import run
    from hec_doctor.models import Options, ResolveOverride
    from hec_doctor.target import build_target

    case = SCENARIOS["host-unicode"]()
    ca = tmp_path / "roots.pem"
    ca.write_bytes(b"".join(r.pem for r in case.roots))
    asked: list[str] = []

    def resolver(host: str, port: int) -> list[str]:
        asked.append(host)
        raise OSError("no DNS in this test")

    with raw_server(tls_handler(_server_context(case))) as port:
        report = run(build_target(f"https://bücher.test:{port}/services/collector/raw"),
                     Options(ca_file=str(ca), timeout_s=3, resolver=resolver,
                             resolve=(ResolveOverride("bücher.test", port, "127.0.0.1"),)))
    assert asked == []
    assert report.result("net.dns").summary.endswith("with --resolve")
    assert report.result("tls.verify").status.value == "pass"
