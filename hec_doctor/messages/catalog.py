"""The kinds of error message Logpush users meet, with cause and fix: pure data.

Each class carries a real example in the words of whoever produces it (Go's exact text, a HEC
reply as Splunk writes it, the Cloudflare API's own words) and where that example comes from;
``wordings`` are the same failure in the words of other clients users paste from other shippers
(OpenSSL as curl, Python and Ruby print it, Java), each with its source. Patterns are searched
case-insensitively. ``error_messages.explain_message`` reads this catalog; tests feed every
example back through it.

Sources named below:
- Go: Go 1.27 source (crypto/x509/verify.go, crypto/tls/alert.go, net/http/client.go,
  net/http/transport.go, net/net.go), as ported and checked in hec_doctor.gox509.text.
- OpenSSL: crypto/x509/x509_txt.c (X509_verify_cert_error_string) and ssl/ssl_err.c reason
  strings; CPython Modules/_ssl.c formats "[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify
  failed: <reason> (_ssl.c:NNNN)"; curl lib/vtls/openssl.c "SSL certificate problem: <reason>".
- Java: OpenJDK sun/security/util/HostnameChecker.java, sun/security/validator/
  PKIXValidator.java ("PKIX path building failed"), java.net exceptions.
- Ruby: ruby/openssl ext/openssl/ossl_ssl.c ("SSL_connect returned=1 errno=0 ... state=error:
  certificate verify failed (<reason>)"), lib/openssl/ssl.rb (hostname "<h>" does not match the
  server certificate), net/http.rb ("Failed to open TCP connection to <h>:<p> (<reason>)").
- CF-logpush: cloudflare-docs src/content/docs/logs/logpush/index.mdx ("Limits").
- CF-permissions: cloudflare-docs src/content/docs/logs/logpush/permissions.mdx.
- CF-splunk: cloudflare-docs .../enable-destinations/splunk.mdx (the 504 on a wrong URL).
- PR-8865: cloudflare-docs pull request 8865 (HTTP destination validation's test upload).
- TF-7044: cloudflare/terraform-provider-cloudflare pull request 7044 (a real API error body).
- PR-20684, PR-32514: cloudflare-docs pull requests (Logpush destination error codes).
"""

from __future__ import annotations

from dataclasses import dataclass

from hec_doctor.advice import CERT_FIX, SPLUNK_CLOUD_CERT
from hec_doctor.gox509.text import TLS_VERIFY_PREFIX

GO = "Go (Logpush's pusher is a Go program)"
CLOUDFLARE_API = "the Cloudflare API"
VALIDATION = "Cloudflare's destination validation (when a job is created or updated)"
SPLUNK = "Splunk HEC"
LOGPULL = "the Logpull API"
CERT_FIX_ANY = ("Serve a certificate from a public CA whose subjectAltName holds the host name "
                "in the destination, with its intermediates.")
HEALTH_PAGE = "https://developers.cloudflare.com/logs/logpush/logpush-health/"


@dataclass(frozen=True)
class Wording:
    """The same failure as another program words it.

    Attributes:
        speaker: who prints it ("OpenSSL (Python)", "Java", ...).
        pattern: a regular expression searched in the message (case-insensitive).
        example: a message in those words.
        source: where those words come from.
    """

    speaker: str
    pattern: str
    example: str
    source: str


@dataclass(frozen=True)
class MessageClass:
    """A kind of error message.

    Attributes:
        id: a stable name (``tls.hostname-mismatch``); the part before the dot is its family.
        pattern: a regular expression searched in the message (case-insensitive).
        title: the kind in a few words.
        cause: why it happens.
        fix: what to change, for a Splunk HEC destination.
        example: a real message of this kind, as ``producer`` words it.
        source: where the example comes from.
        producer: who writes messages of this kind.
        fix_any: the fix for any other destination ("" when ``fix`` already fits any).
        cause_any, title_any: likewise, where ``cause`` or ``title`` speak of Splunk.
        topic: the ``hec-doctor explain`` topic with more, or "".
        wordings: the same failure in other programs' words.
        splunk_only: the class reads a Splunk HEC reply, meaningless for other destinations.
    """

    id: str
    pattern: str
    title: str
    cause: str
    fix: str
    example: str
    source: str
    producer: str = GO
    fix_any: str = ""
    cause_any: str = ""
    title_any: str = ""
    topic: str = ""
    wordings: tuple[Wording, ...] = ()
    splunk_only: bool = False

    @property
    def family(self) -> str:
        return self.id.split(".")[0]


_TLS = TLS_VERIFY_PREFIX
_PY = "[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: "
_RUBY = "SSL_connect returned=1 errno=0 peeraddr=203.0.113.7:8088 state=error: "

# What each TLS alert a server may send means for a client such as Logpush's, by the alert's
# text as Go prints it (crypto/tls alert.go, Go 1.27; meanings from RFC 8446 section 6.2 and
# RFC 5246 section 7.2.2).
TLS_ALERTS: dict[str, str] = {
    "close notify": "the server closed the TLS connection",
    "unexpected message": "the server got a message it did not expect (a protocol mismatch)",
    "bad record mac": "a record failed its integrity check (corruption, or a middlebox)",
    "record overflow": "a record was too long",
    "handshake failure": "the server found no parameters to agree on (group, cipher suite, "
                         "signature algorithm), or wants a client certificate",
    "bad certificate": "the server rejected a client certificate",
    "unsupported certificate": "the server does not support the client certificate's type",
    "revoked certificate": "a client certificate was revoked",
    "expired certificate": "a client certificate expired",
    "unknown certificate": "the server could not use a client certificate",
    "illegal parameter": "a handshake field was out of range or inconsistent",
    "unknown certificate authority": "the server does not trust the client certificate's CA",
    "access denied": "the server refused the client (an access rule)",
    "error decoding message": "the server could not parse a handshake message",
    "error decrypting message": "a handshake cryptographic operation failed",
    "protocol version not supported": "no TLS version in common (the server wants one Go "
                                      "does not offer, or the reverse)",
    "insufficient security level": "the server wants stronger parameters than offered",
    "internal error": "the server failed internally (not the client's fault)",
    "inappropriate fallback": "a version downgrade the server refused",
    "user canceled": "the server gave up on the handshake",
    "no renegotiation": "the server refused a renegotiation",
    "missing extension": "the server needs an extension the hello lacked",
    "unsupported extension": "the server got an extension it did not offer",
    "unrecognized name": "the server knows no certificate for the host name sent as SNI",
    "bad certificate status response": "an OCSP status was invalid",
    "unknown psk identity": "a pre-shared key was unknown",
    "certificate required": "the server wants a client certificate (mutual TLS), which "
                            "Logpush never sends",
    "no application protocol": "no ALPN protocol in common (the server wants one Go did not "
                               "offer)",
    "encrypted client hello required": "the server wants Encrypted Client Hello",
}

CLASSES: tuple[MessageClass, ...] = (
    # --- Cloudflare's own errors (API, destination validation) --------------------------------
    MessageClass(
        "cloudflare.job-limit", r"exceeded max jobs allowed", "Logpush job limit reached",
        "Cloudflare refuses a new job: a zone holds at most 4 Logpush jobs. The same words have "
        "been reported for zones with no job at all, where the plan is not entitled to Logpush "
        "for that dataset.",
        "List the zone's jobs (hec-doctor job --zone <ZONE_ID>) and delete one you no longer "
        "need; if there are fewer than 4, ask Cloudflare whether the plan includes Logpush for "
        "this dataset.",
        "creating a new job is not allowed: exceeded max jobs allowed", "CF-logpush",
        producer=CLOUDFLARE_API),
    MessageClass(
        "cloudflare.permission", r"reading job for product .* is not allowed|is not allowed "
        r"\(1004\)", "API token lacks a Logpush permission",
        "The API token may not read or change jobs of this product: jobs of Zero Trust datasets "
        "(Access, Gateway, DEX) need both Logs: Write (Logs Edit) and Zero Trust: PII Read.",
        "Give the token Logs: Write and, for Zero Trust datasets, Zero Trust: PII Read.",
        "reading job for product '<product>' is not allowed (1004)", "CF-permissions",
        producer=CLOUDFLARE_API),
    MessageClass(
        "cloudflare.api-token-format", r"Invalid format for Authorization header",
        "API token malformed",
        "The Cloudflare API could not read the Authorization header (codes 6003/6111): the "
        "token is empty, cut short, or holds characters a token never has.",
        "Send Authorization: Bearer <token> with the whole API token, nothing around it.",
        '{"success":false,"errors":[{"code":6003,"message":"Invalid request headers",'
        '"error_chain":[{"code":6111,"message":"Invalid format for Authorization header"}]}],'
        '"messages":[],"result":null}',
        "Cloudflare API replies posted in public repositories (code search)",
        producer=CLOUDFLARE_API),
    MessageClass(
        "cloudflare.api-auth", r"Authentication error|Invalid access token|Unauthorized to "
        r"access requested resource", "API token refused",
        "The Cloudflare API did not accept the API token for this zone or account (code 10000 "
        "or 9109): a revoked or mistyped token, a token for another zone or account, or one "
        "without the permission. Every Logpush API operation needs Logs: Write, zone-scoped "
        "for zone datasets and account-scoped for account datasets.",
        "Create an API token with Logs: Write for the zone (or account) the job lives in.",
        '{"success":false,"errors":[{"code":10000,"message":"Authentication error"}]}',
        "Cloudflare API replies posted in public repositories (code search); CF-permissions",
        producer=CLOUDFLARE_API),
    MessageClass(
        "cloudflare.config-string", r"config string must match",
        "character not allowed in destination_conf",
        "Cloudflare accepts only letters, digits and .,_:/?%+&={}- in destination_conf. Most "
        "often a space: header_Authorization=Splunk <token> needs the space encoded as %20.",
        "Write header_Authorization=Splunk%20<token> (and encode any other special character).",
        'invalid destination_conf: config string must match "^[a-zA-Z0-9\\.,_:/?%+&=\\{\\}-]+$"',
        "a Logpush receiver's troubleshooting table (public GitHub repository)",
        producer=CLOUDFLARE_API, topic="token-encoding",
        cause_any="Cloudflare accepts only letters, digits and .,_:/?%+&={}- in "
                  "destination_conf.",
        fix_any="Percent-encode any other character (a space as %20)."),
    MessageClass(
        "cloudflare.ownership", r"ownership.?challenge", "ownership challenge refused",
        "Storage destinations (S3, GCS, Azure, Sumo Logic) must prove ownership with the token "
        "Cloudflare wrote to them; that token is bound to the zone or account and to the exact "
        "destination_conf, and expires after 7 days. Splunk destinations need none.",
        "Request a new challenge for the exact destination_conf and submit its token within 7 "
        "days.",
        "ownership challenge", "cloudflare-docs logpush-ownership-challenge.mdx (Cloudflare's "
        "exact error wording was not found published: this class matches the words)",
        producer=CLOUDFLARE_API,
        cause_any="Storage destinations (S3, GCS, Azure, Sumo Logic) must prove ownership "
                  "with the token Cloudflare wrote to them; that token is bound to the zone or "
                  "account and to the exact destination_conf, and expires after 7 days."),
    MessageClass(
        "cloudflare.validation-upload",
        r"error uploading(?: to (?P<scheme>[a-z0-9]+))?(?:: status:\s*(?P<status>\d+))?",
        "destination refused Cloudflare's test upload",
        "When a job is created or updated, Cloudflare validates the destination by sending a "
        "small gzipped test object ({\"content\":\"tests\"}); the destination did not accept it "
        "(a status other than 2xx, when one is given).",
        "Run hec-doctor check --live on the destination_conf: a 404 or 405 means the path is "
        "not /services/collector/raw, 401/403 a refused token, and a certificate problem shows "
        "as such.",
        "error validating destination: error writing object: error uploading", "PR-8865",
        producer=VALIDATION,
        fix_any="Make the endpoint accept a POST of a gzipped body at that exact URL (a 404 or "
                "405 means a wrong path), with the credentials given."),
    MessageClass(
        "cloudflare.validation", r"error validating destination|Invalid destination "
        r"configuration", "destination validation failed",
        "Cloudflare validates the destination when a job is created or updated; this tail is "
        "not one hec-doctor knows.",
        "Run hec-doctor check --live on the destination_conf: it takes the same steps.",
        "error validating destination: error writing object: <tail>", "PR-8865",
        producer=VALIDATION, fix_any="Check the destination with its provider's tools."),
    # --- certificates and TLS ------------------------------------------------------------
    MessageClass(
        "tls.splunk-default-cert", r"SplunkServerDefaultCert", "Splunk's default certificate",
        "The HEC serves the SplunkServerDefaultCert that Splunk makes at install, issued by "
        "SplunkCommonCA: no public CA signed it and it does not name your host.",
        CERT_FIX + " " + SPLUNK_CLOUD_CERT,
        "x509: certificate is valid for SplunkServerDefaultCert, not "
        "http-inputs-acme.splunkcloud.com", "the Logpush FAQ (Go 1.14 and older wording)",
        topic="splunk-default-cert"),
    MessageClass(
        "tls.hostname-mismatch", r"x509: certificate is valid for (?P<names>.+), not "
        r"(?P<host>\S+)", "certificate issued for other names",
        "The certificate does not name the host in the destination_conf. (Go 1.14 and older "
        "listed the Common Name here when the certificate had no subjectAltName.)",
        CERT_FIX + " Or use a host name the certificate already carries.",
        _TLS + "x509: certificate is valid for other.example, www.other.example, not "
        "hec.example.com", "Go", fix_any=CERT_FIX_ANY, wordings=(
            Wording("OpenSSL (Python)", r"hostname mismatch",
                    _PY + "Hostname mismatch, certificate is not valid for 'hec.example.com'. "
                    "(_ssl.c:1006)", "OpenSSL X509_V_ERR_HOSTNAME_MISMATCH; CPython _ssl.c"),
            Wording("curl", r"no alternative certificate subject name matches",
                    "curl: (60) SSL: no alternative certificate subject name matches target "
                    "host name 'hec.example.com'", "curl lib/vtls/openssl.c"),
            Wording("Node", r"Hostname/IP does not match certificate's altnames: Host:",
                    "Hostname/IP does not match certificate's altnames: Host: hec.test. is not "
                    "in the cert's altnames: DNS:other.example, DNS:www.other.example "
                    "(ERR_TLS_CERT_ALTNAME_INVALID)", "Node lib/tls.js checkServerIdentity; "
                    "measured with Node 20 (tests/test_clients.py)"),
            Wording("Java", r"No subject alternative DNS name matching (?P<host>\S+?)\.? found",
                    "javax.net.ssl.SSLHandshakeException: No subject alternative DNS name "
                    "matching hec.example.com found.", "OpenJDK HostnameChecker.java"),
            Wording("Ruby", r'hostname "?(?P<host>[^" ]+)"? does not match the server '
                    r"certificate", 'hostname "hec.example.com" does not match the server '
                    "certificate", "ruby/openssl lib/openssl/ssl.rb"),
        )),
    MessageClass(
        "tls.no-names", r"x509: certificate is not valid for any names, but wanted to match "
        r"(?P<host>\S+)", "certificate with no subjectAltName",
        "The certificate carries no subjectAltName at all (typical of Splunk's default and "
        "other self-made certificates); Go matches host names against SANs only.",
        CERT_FIX, _TLS + "x509: certificate is not valid for any names, but wanted to match "
        "hec.example.com", "Go", fix_any=CERT_FIX_ANY, topic="splunk-default-cert", wordings=(
            Wording("Java", r"No subject alternative names present",
                    "javax.net.ssl.SSLHandshakeException: No subject alternative names present",
                    "OpenJDK HostnameChecker.java"),
        ),
        cause_any="The certificate carries no subjectAltName at all; Go matches host names "
                  "against SANs only."),
    MessageClass(
        "tls.legacy-cn", r"x509: certificate relies on legacy Common Name field",
        "Common-Name-only certificate",
        "The host name is only in the certificate's Common Name; Go (1.15 and later) ignores "
        "the CN. curl still accepts it, so a passing curl check proves nothing here.",
        "Reissue the certificate with the host name as a DNS subjectAltName.",
        _TLS + "x509: certificate relies on legacy Common Name field, use SANs instead", "Go"),
    MessageClass(
        "tls.ip-sans", r"cannot validate certificate for (?P<host>\S+) because it doesn't "
        r"contain any IP SANs", "IP address without IP SAN",
        "The destination names an IP address, and the certificate has no IP subjectAltName.",
        "Use the DNS name the certificate is issued for.",
        _TLS + "x509: cannot validate certificate for 203.0.113.7 because it doesn't contain "
        "any IP SANs", "Go", wordings=(
            Wording("OpenSSL (Python)", r"IP address mismatch",
                    _PY + "IP address mismatch, certificate is not valid for '127.0.0.1'. "
                    "(_ssl.c:1006)", "OpenSSL X509_V_ERR_IP_ADDRESS_MISMATCH; CPython _ssl.c; "
                    "measured (tests/test_clients.py)"),
            Wording("Node", r"Hostname/IP does not match certificate's altnames: IP:",
                    "Hostname/IP does not match certificate's altnames: IP: 127.0.0.1 is not in "
                    "the cert's list:  (ERR_TLS_CERT_ALTNAME_INVALID)", "Node lib/tls.js "
                    "checkServerIdentity; measured (tests/test_clients.py)"),
        )),
    MessageClass(
        # Before tls.unknown-authority: Go words a SHA-1 signature as an unknown authority
        # "possibly because of" it (crypto/x509 verify.go, UnknownAuthorityError.hintErr).
        "tls.insecure-signature", r"insecure algorithm (?P<algorithm>[A-Za-z0-9-]+)",
        "certificate signed with SHA-1 (or MD5)",
        "A certificate in the chain is signed with SHA-1 or MD5. Go 1.18 and later refuse such "
        "signatures on certificates (crypto/x509 x509.go, InsecureAlgorithmError), so no chain "
        "is built; OpenSSL 3 at its default security level refuses them too.",
        "Reissue the certificate (and any intermediate signed that way) with a SHA-256 "
        "signature.",
        _TLS + 'x509: certificate signed by unknown authority (possibly because of "x509: '
        'cannot verify signature: insecure algorithm SHA1-RSA" while trying to verify '
        'candidate authority certificate "Test Root")',
        "Go 1.27.3, measured by the Go probe (tests/test_clients.py)", wordings=(
            Wording("OpenSSL (curl, Python, Node)", r"CA signature digest algorithm too weak",
                    "curl: (60) SSL certificate problem: CA signature digest algorithm too weak",
                    "OpenSSL x509_txt.c (X509_V_ERR_CA_MD_TOO_WEAK); measured with curl 7.88.1, "
                    "Python's ssl and Node 20 on OpenSSL 3.0 (tests/test_clients.py)"),
        )),
    MessageClass(
        "tls.unknown-authority", r"x509: certificate signed by unknown authority",
        "untrusted or incomplete certificate chain",
        "The client could not build a chain to a public root: a private or self-signed CA, or "
        "the server does not send its intermediate certificate (Go never fetches missing "
        "intermediates).",
        "Serve the full chain (leaf then intermediates; serverCert's file holds them in order), "
        "from a public CA. Run hec-doctor check to see which.",
        _TLS + "x509: certificate signed by unknown authority", "Go",
        fix_any="Serve the full chain (leaf then intermediates) from a public CA.", wordings=(
            Wording("OpenSSL", r"unable to get local issuer certificate|unable to get issuer "
                    r"certificate|unable to verify the first certificate|self[- ]signed "
                    r"certificate", _PY + "unable to get local issuer certificate "
                    "(_ssl.c:1006)", "OpenSSL x509_txt.c; CPython _ssl.c"),
            Wording("Java", r"PKIX path building failed|unable to find valid certification "
                    r"path", "sun.security.validator.ValidatorException: PKIX path building "
                    "failed: sun.security.provider.certpath.SunCertPathBuilderException: unable "
                    "to find valid certification path to requested target",
                    "OpenJDK PKIXValidator.java"),
            Wording("Ruby", r"certificate verify failed \(unable to get",
                    _RUBY + "certificate verify failed (unable to get local issuer "
                    "certificate)", "ruby/openssl ossl_ssl.c"),
        )),
    MessageClass(
        "tls.not-yet-valid", r"x509: certificate has expired or is not yet valid: current time "
        r"(?P<now>\S+) is before (?P<not_before>\S+)", "certificate not yet valid",
        "Go's text says 'is before': the current time is before the certificate's notBefore. "
        "Either the certificate was issued for the future (a notBefore set ahead, a CA whose "
        "clock runs fast), or the clock that judged it runs slow.",
        "Check the certificate's notBefore (openssl x509 -noout -startdate) against the real "
        "time: if the certificate starts in the future, reissue it with a notBefore in the past; "
        "if the checking clock is wrong, fix its time (NTP).",
        _TLS + "x509: certificate has expired or is not yet valid: current time "
        "2026-11-27T12:00:00Z is before 2026-12-01T00:00:00Z", "Go crypto/x509 verify.go "
        "(CertificateInvalidError, Expired: 'current time %s is before %s')",
        wordings=(
            Wording("OpenSSL", r"certificate is not yet valid",
                    "curl: (60) SSL certificate problem: certificate is not yet valid",
                    "OpenSSL x509_txt.c"),
            Wording("Java", r"CertificateNotYetValidException",
                    "java.security.cert.CertificateNotYetValidException: NotBefore: Tue Dec 01 "
                    "00:00:00 UTC 2026", "OpenJDK X509CertImpl.checkValidity"),
        )),
    MessageClass(
        "tls.expired", r"x509: certificate has expired or is not yet valid(?:: current time "
        r"(?P<now>\S+) is after (?P<not_after>\S+))?",
        "expired certificate",
        "The certificate's notAfter has passed (Go's text says 'is after'; without the times, "
        "the text alone cannot tell expired from not yet valid).",
        "Renew the certificate and restart splunkd (or the load balancer serving it).",
        _TLS + "x509: certificate has expired or is not yet valid: current time "
        "2026-11-27T12:00:00Z is after 2026-11-01T00:00:00Z", "Go",
        fix_any="Renew the certificate on the endpoint.", wordings=(
            Wording("OpenSSL", r"certificate has expired",
                    "curl: (60) SSL certificate problem: certificate has expired",
                    "OpenSSL x509_txt.c; curl lib/vtls/openssl.c"),
            Wording("Java", r"CertificateExpiredException",
                    "java.security.cert.CertificateExpiredException: NotAfter: Sun Nov 01 "
                    "00:00:00 UTC 2026", "OpenJDK X509CertImpl.checkValidity"),
        )),
    MessageClass(
        "tls.not-ca", r"x509: certificate is not authorized to sign other certificates",
        "a non-CA certificate in the issuer's place",
        "An intermediate in the chain is not marked as a CA (often an X.509 v1 certificate, "
        "such as Splunk's old SplunkCommonCA, sent as intermediate).",
        "Serve a chain whose intermediates are proper CA certificates from a public CA.",
        _TLS + "x509: certificate is not authorized to sign other certificates", "Go",
        wordings=(Wording("OpenSSL", r"invalid CA certificate",
                          "curl: (60) SSL certificate problem: invalid CA certificate",
                          "OpenSSL x509_txt.c"),),
        cause_any="An intermediate in the chain is not marked as a CA (often an X.509 v1 "
                  "certificate sent as intermediate)."),
    MessageClass(
        "tls.key-usage", r"x509: certificate specifies an incompatible key usage",
        "certificate not for servers",
        "The certificate's extended key usage does not include TLS server authentication.",
        "Reissue the certificate for server authentication (EKU serverAuth).",
        _TLS + "x509: certificate specifies an incompatible key usage", "Go",
        wordings=(Wording("OpenSSL", r"unsupported certificate purpose",
                          "curl: (60) SSL certificate problem: unsupported certificate purpose",
                          "OpenSSL x509_txt.c"),)),
    MessageClass(
        "tls.plain-http", r"server gave HTTP response to HTTPS client",
        "HEC without SSL",
        "The port answers plain HTTP: HEC has SSL turned off (enableSSL = 0).",
        "Turn SSL on for HEC (Global Settings > Enable SSL) with a proper certificate; Logpush "
        "only speaks HTTPS.",
        'Post "https://hec.example.com:8088/services/collector/raw?channel=x": http: server '
        "gave HTTP response to HTTPS client", "Go net/http transport.go",
        fix_any="Serve HTTPS on that port; Logpush only speaks HTTPS.", wordings=(
            Wording("OpenSSL", r"wrong version number",
                    "curl: (35) error:0A00010B:SSL routines::wrong version number",
                    "OpenSSL ssl_err.c (SSL_R_WRONG_VERSION_NUMBER)"),
            Wording("Java", r"Unrecognized SSL message, plaintext connection",
                    "javax.net.ssl.SSLException: Unrecognized SSL message, plaintext "
                    "connection?", "OpenJDK SSLSocketInputRecord.java"),
        ),
        title_any="endpoint without TLS", cause_any="The port answers plain HTTP, not HTTPS."),
    MessageClass(
        "tls.not-tls", r"first record does not look like a TLS handshake",
        "not a TLS server", "Something other than a TLS server answers on this port.",
        "Point the destination at the HEC port (8088 by default, or 443 behind a load balancer).",
        "tls: first record does not look like a TLS handshake", "Go crypto/tls conn.go",
        fix_any="Point the destination at the endpoint's HTTPS port."),
    MessageClass(
        "tls.version", r"protocol version not supported",
        "TLS version too old", "The server offers nothing newer than TLS 1.1; Go needs 1.2.",
        "Allow TLS 1.2 and 1.3 on the HEC (sslVersions = tls1.2 in server.conf / inputs.conf).",
        "remote error: tls: protocol version not supported", "Go crypto/tls alert.go",
        fix_any="Allow TLS 1.2 and 1.3 on the endpoint.", wordings=(
            Wording("OpenSSL", r"alert protocol version|unsupported protocol",
                    "curl: (35) error:0A00042E:SSL routines::tlsv1 alert protocol version",
                    "OpenSSL ssl_err.c"),
            # OpenSSL 3 refuses the MD5+SHA-1 signature a TLS 1.0/1.1 server signs its key
            # exchange with (SSL_R_LEGACY_SIGALG_DISALLOWED_OR_UNSUPPORTED, ssl/t1_lib.c):
            # curl says so where Python hears the server's own protocol_version alert.
            Wording("OpenSSL (curl)", r"legacy sigalg disallowed or unsupported",
                    "curl: (35) OpenSSL/3.0.19: error:0A00014D:SSL routines::legacy sigalg "
                    "disallowed or unsupported", "OpenSSL ssl_err.c; measured with curl "
                    "7.88.1 against a TLS 1.1-only server (tests/test_clients.py)"),
            Wording("Java", r"Received fatal alert: protocol_version",
                    "javax.net.ssl.SSLHandshakeException: Received fatal alert: "
                    "protocol_version", "OpenJDK Alert.java"),
        )),
    MessageClass(
        "tls.unrecognized-name", r"tls: unrecognized name", "server does not know the host name",
        "The server answered the TLS hello with the unrecognized_name alert: no certificate or "
        "virtual host of it is configured for the host name Logpush sent as SNI (the host of "
        "the destination_conf).",
        "Configure the load balancer or server for this host name (a listener or SNI rule, a "
        "certificate naming it), or use the host name it serves.",
        "remote error: tls: unrecognized name", "Go crypto/tls alert.go (alertUnrecognizedName)",
        fix_any="Configure the endpoint for this host name, or use the one it serves."),
    MessageClass(
        "tls.handshake-failure", r"tls: handshake failure", "server refused the handshake",
        "The server ended the handshake with the handshake_failure alert: it found nothing to "
        "agree on with Go's hello. The causes: no common key exchange group (a server limited "
        "to ffdhe or X448, which Go never offers), no common cipher suite or signature "
        "algorithm (a server allowing only old ones Go dropped), a certificate of a kind Go "
        "does not ask for, or a client certificate required (TLS 1.2).",
        "Run hec-doctor check on the destination: it pushes with Go's own client and, where the "
        "ported handshake succeeds while Go's fails, the difference is in what Go offers (the "
        "report names TLS version, group and cipher). Allow X25519 or P-256, and ECDHE with "
        "AES-GCM or ChaCha20 on the HEC or its load balancer.",
        "remote error: tls: handshake failure", "Go crypto/tls alert.go (alertHandshakeFailure)",
        fix_any="Allow X25519 or P-256 key exchange and ECDHE with AES-GCM or ChaCha20 on the "
                "endpoint."),
    MessageClass(
        "tls.remote-alert", r"remote error: tls: (?P<alert>[a-z][a-zA-Z ]+)",
        "the server sent a TLS alert",
        "The server ended the TLS connection with an alert (its meaning is given below).",
        "Look at the server's TLS settings for what the alert names; hec-doctor check pushes "
        "with Go's own client and shows where the handshake ends.",
        "remote error: tls: certificate required", "Go crypto/tls alert.go and conn.go "
        "('remote error: tls: ' before the alert's text)"),
    MessageClass(
        "tls.local-error", r"tls: (?P<go_tls>server chose an unconfigured cipher suite|"
        r"no renegotiation|server's certificate "
        r"contains an unsupported type of public key|server selected unadvertised ALPN "
        r"protocol|unsupported certificate curve|handshake message of length \d+ bytes exceeds "
        r"maximum of \d+ bytes)", "Go refused the server's handshake",
        "Go's client refused what the server sent in the handshake (crypto/tls "
        "handshake_client.go): an old protocol version, a cipher suite or ALPN protocol it did "
        "not offer, a renegotiation request (Go never renegotiates), a key type or curve it "
        "does not support, or a handshake message over its limit (256 KiB for certificates).",
        "Serve TLS 1.2 or 1.3 with a modern RSA (2048+) or ECDSA (P-256/P-384) certificate and "
        "no renegotiation; keep the chain well under 256 KiB.",
        "local error: tls: no renegotiation", "Go crypto/tls conn.go (handleRenegotiation: "
        "Renegotiation is RenegotiateNever unless set, and sendAlert reports 'local error')"),
    MessageClass(
        "net.h2-goaway", r"http2: server sent GOAWAY", "the server closed the HTTP/2 connection",
        "The server (usually a load balancer speaking HTTP/2) sent GOAWAY: it is shutting the "
        "connection, because of a protocol error (an HTTP/1.1-only backend behind a listener "
        "that advertised h2), a connection limit, or a restart. Logpush speaks HTTP/2 where the "
        "server offers it.",
        "Run hec-doctor check: it pushes with Go's own client over h2 and names the error. Make "
        "the load balancer translate HTTP/2 to HTTP/1.1 for HEC, or stop advertising h2 there.",
        "http2: server sent GOAWAY and closed the connection; LastStreamID=1, ErrCode="
        "PROTOCOL_ERROR, debug=\"\"", "Go net/http h2 transport (GoAwayError)"),
    MessageClass(
        "net.h2-frame", r"http2: (?:frame too large|unexpected|invalid|server sent (?!GOAWAY))",
        "HTTP/2 spoken to a server that is not",
        "Go negotiated HTTP/2 (the server advertised h2 in ALPN) but what came back is not "
        "HTTP/2: a TLS load balancer in TCP mode that advertises h2 in front of splunkd, which "
        "speaks HTTP/1.1 only, so Go reads 'HTTP/1.1 400' as an HTTP/2 frame header.",
        "Remove h2 from the load balancer's ALPN list for HEC (HAProxy: alpn http/1.1), or "
        "terminate HTTP there and proxy HTTP/1.1 to splunkd.",
        "http2: frame too large", "Go net/http h2 frame reader"),
    MessageClass(
        "net.malformed-reply", r"malformed HTTP (?:response|status code|version)",
        "the reply is not HTTP",
        "Go read bytes that are not an HTTP reply: most often plain HTTP spoken to a port that "
        "speaks TLS (the reply then starts with a TLS alert, \\x15\\x03), or another "
        "protocol on the port.",
        "Use https:// (splunk:// in a destination_conf) for a TLS port, and check what "
        "listens on the port.",
        'malformed HTTP response "\\x15\\x03\\x01\\x00\\x02\\x02"',
        "Go net/http transport.go (readResponse)"),
    MessageClass(
        "tls.handshake-timeout", r"TLS handshake timeout",
        "TLS handshake timed out",
        "TCP connected but the TLS handshake did not finish in time: an overloaded HEC, or a "
        "firewall or proxy holding the connection.", "Check what answers on the port and its load.",
        'Post "https://hec.example.com:8088/services/collector/raw": net/http: TLS handshake '
        "timeout", "Go net/http transport.go",
        cause_any="TCP connected but the TLS handshake did not finish in time: an overloaded "
                  "endpoint, or a firewall or proxy holding the connection."),
    # --- the network ---------------------------------------------------------------------
    MessageClass(
        "net.no-route", r"no route to host|host is unreachable|network is unreachable",
        "no route to the host",
        "The kernel found no way to the address (EHOSTUNREACH/ENETUNREACH): a firewall "
        "rejecting with ICMP host-prohibited, an address that is not reachable from the "
        "Internet, or a host that is down on its own network.",
        "Check the address the name resolves to (a private or old address?) and the firewall "
        "in front of it: allow Cloudflare's egress (ASNs 13335, 132892, 202623) to the port.",
        'Post "https://hec.example.com:8088/services/collector/raw": dial tcp 203.0.113.7:8088: '
        "connect: no route to host", "Go net (syscall EHOSTUNREACH as the kernel words it)"),
    MessageClass(
        "net.refused", r"connection refused", "connection refused",
        "Nothing listens on that address and port (HEC disabled, wrong port, or a firewall that "
        "rejects).", "Enable HEC (Global Settings > All Tokens: Enabled) and check the port.",
        "dial tcp 203.0.113.7:8088: connect: connection refused", "Go net (the OS's ECONNREFUSED)",
        fix_any="Check that the endpoint listens on that port and no firewall rejects "
                "Cloudflare.", wordings=(
            Wording("Java", r"ConnectException: Connection refused",
                    "java.net.ConnectException: Connection refused", "java.net"),
            Wording("Ruby", r"Failed to open TCP connection to .*Connection refused",
                    "Failed to open TCP connection to hec.example.com:8088 (Connection refused "
                    '- connect(2) for "hec.example.com" port 8088)', "Ruby net/http.rb"),
        ),
        cause_any="Nothing listens on that address and port, or a firewall rejects the "
                  "connection."),
    MessageClass(
        "net.dns", r"no such host|server misbehaving|\b1105\b",
        "host name does not resolve",
        "Public DNS has no address for the host (Logpush's destination error code 1105 is this "
        "DNS failure).",
        "Publish an A/AAAA record for the host in public DNS, or fix the host name in "
        "destination_conf.",
        "dial tcp: lookup hec.example.com: no such host", "Go net/dnsclient (errNoSuchHost)",
        wordings=(
            Wording("Cloudflare", r"DNSError",
                    '{"errors":[{"code":1002,"message":"error validating destination: error '
                    'writing object: DNSError"}]}', "TF-7044"),
            Wording("Java", r"UnknownHostException",
                    "java.net.UnknownHostException: hec.example.com", "java.net"),
            Wording("Ruby", r"getaddrinfo|Name or service not known",
                    "Failed to open TCP connection to hec.example.com:8088 (getaddrinfo: Name "
                    "or service not known)", "Ruby net/http.rb; glibc gai_strerror"),
            Wording("curl", r"Could not resolve host", "curl: (6) Could not resolve host: "
                    "hec.example.com", "curl lib/hostip.c"),
        )),
    MessageClass(
        "net.connect-timeout", r"dial tcp \S+: i/o timeout|connect timed out|Net::OpenTimeout|"
        r"Connection timed out after", "connection timed out",
        "The TCP connection was never set up: a firewall dropping Cloudflare's addresses, or "
        "nothing at that address.",
        "Allow Cloudflare's egress IP ranges (https://www.cloudflare.com/ips/) to the HEC port.",
        "dial tcp 203.0.113.7:8088: i/o timeout", "Go net.go (errTimeout)",
        fix_any="Allow Cloudflare's egress IP ranges (https://www.cloudflare.com/ips/) to the "
                "endpoint.", wordings=(
            Wording("Java", r"connect timed out", "java.net.SocketTimeoutException: connect "
                    "timed out", "java.net"),
            Wording("curl", r"Connection timed out after", "curl: (28) Connection timed out "
                    "after 10001 milliseconds", "curl lib/connect.c"),
        )),
    # Go's timeouts, each in its own words (net/http transport.go and client.go, Go 1.27): the
    # request canceled while waiting for a connection, a TLS handshake timeout, no reply head in
    # time, a body cut off; a dial timeout is net.connect-timeout below. The classes come before
    # net.no-answer, whose words ("Client.Timeout exceeded while awaiting headers") Go appends
    # to the first of them too.
    MessageClass(
        "net.no-connection", r"request canceled while waiting for connection",
        "no connection obtained in time",
        "The client's overall timeout ran out while Go's transport was still getting a "
        "connection (resolving, dialing or in the TLS handshake): the request was never sent "
        "(transport.go errRequestCanceledConn; client.go appends '(Client.Timeout exceeded "
        "while awaiting headers)'). A firewall dropping the connection, an unreachable address "
        "or a handshake that stalls.",
        "Run hec-doctor check on the destination: net.tcp and tls.handshake say which step "
        "does not finish. Allow Cloudflare's egress (ASNs 13335, 132892, 202623) to the port.",
        'Post "https://hec.example.com:8088/services/collector/raw": net/http: request canceled '
        "while waiting for connection (Client.Timeout exceeded while awaiting headers)",
        "Go net/http transport.go and client.go"),
    MessageClass(
        "net.header-timeout", r"timeout awaiting response headers",
        "request sent, no reply head in time",
        "Go had a connection and sent the request, but no reply head came within the "
        "transport's ResponseHeaderTimeout (transport.go errTimeout; the client's overall "
        "timeout after the connection was obtained gives 'context deadline exceeded "
        "(Client.Timeout exceeded while awaiting headers)', net.no-answer). Slow or blocked "
        "indexers, full HEC queues, or a proxy holding the request.",
        "Check the HEC's queues and indexer health (Monitoring Console > Indexing), and the "
        "timeouts of any load balancer in front of it.",
        'Post "https://hec.example.com:8088/services/collector/raw": net/http: timeout awaiting '
        "response headers", "Go net/http transport.go (errTimeout), client.go",
        fix_any="Check the endpoint's load and any load balancer's timeouts."),
    MessageClass(
        "net.body-timeout", r"while reading body", "reply body cut off",
        "The reply head arrived but its body did not finish before the timeout (client.go: "
        "'(Client.Timeout or context cancellation while reading body)').",
        "Look at the load balancer or proxy in front of HEC: a body that never completes is "
        "theirs, HEC's replies are a few bytes.",
        "context deadline exceeded (Client.Timeout or context cancellation while reading body)",
        "Go net/http client.go"),
    MessageClass(
        "net.no-answer", r"Client\.Timeout exceeded while awaiting headers|Read timed out|"
        r"Net::ReadTimeout", "HEC did not answer in time",
        "The connection was up and the request was sent, but no answer came before the client's "
        "overall timeout: slow or blocked indexers, full HEC queues, or a load balancer whose "
        "idle timeout cuts the request. Logpush's dial and TLS handshake have their own, "
        "separate timeouts (PR-32514's timeout matrix) with their own messages, so this is not "
        "a firewall.",
        "Check the HEC's queues and indexer health (Monitoring Console > Indexing), and the "
        "idle timeout of any load balancer in front of it.",
        'Post "https://hec.example.com:8088/services/collector/raw?channel=x": context deadline '
        "exceeded (Client.Timeout exceeded while awaiting headers)", "Go net/http client.go",
        fix_any="Check the endpoint's load and any load balancer's idle timeout.", wordings=(
            Wording("Java", r"Read timed out", "java.net.SocketTimeoutException: Read timed "
                    "out", "java.net"),
            Wording("Ruby", r"Net::ReadTimeout", "Net::ReadTimeout with "
                    "#<TCPSocket:(closed)>", "Ruby net/protocol.rb"),
        ),
        title_any="endpoint did not answer in time",
        cause_any="The connection was up and the request was sent, but no answer came before "
                  "the client's overall timeout: an overloaded endpoint, or a load balancer "
                  "whose idle timeout cuts the request. Not a firewall."),
    MessageClass(
        "net.timeout", r"i/o timeout|deadline exceeded|timed out",
        "timed out",
        "No answer in time, at a step the message does not name: a firewall dropping "
        "Cloudflare's addresses, or an overloaded HEC.",
        "Run hec-doctor check: it times each step (DNS, TCP, TLS, HEC) on its own.",
        "read tcp 198.51.100.4:41234->203.0.113.7:8088: i/o timeout", "Go net.go (errTimeout)",
        fix_any="Check each step to the endpoint: DNS, TCP, TLS, then the HTTP answer.",
        cause_any="No answer in time, at a step the message does not name: a firewall "
                  "dropping Cloudflare's addresses, or an overloaded endpoint."),
    MessageClass(
        "net.reset", r"connection reset|\bEOF\b|broken pipe|end of file reached|empty reply from "
        r"server|remote host terminated", "connection dropped",
        "The server or something in between closed the connection mid-request (a load "
        "balancer's limits, a proxy, or plain HTTP on an SSL port).",
        "Check the load balancer's idle and size limits and that the port speaks TLS.",
        'Post "https://hec.example.com:8088/services/collector/raw": EOF', "Go io.EOF",
        wordings=(
            Wording("Java", r"Remote host terminated the handshake|Connection reset",
                    "javax.net.ssl.SSLHandshakeException: Remote host terminated the handshake",
                    "OpenJDK SSLSocketImpl.java"),
            Wording("curl", r"Empty reply from server", "curl: (52) Empty reply from server",
                    "curl lib/transfer.c"),
        )),
    # --- Logpush and Logpull -------------------------------------------------------------
    MessageClass(
        "logpush.too-early", r"too early: logs older than (?P<age>\S+) are not available",
        "asked for logs older than 7 days",
        "The Logpull API keeps logs at most 7 days (168h) and refuses older time ranges. A "
        "Logpush job shows this only when it reads through Logpull (the old v1 jobs) and fell "
        "more than 7 days behind: the next batch it wants no longer exists. A Logpull query "
        "shows it when its start is more than 7 days back.",
        "For a job: fix what made it fail, then re-create it (a new job starts from now) or "
        "upgrade a v1 job (PUT {\"logstream\": true}). For a Logpull query: start within the "
        "last 7 days (only the last 3 are certain).",
        "error 400: error transferring data: bad response: error parsing parameters: error "
        "parsing time: invalid time range: too early: logs older than 168h0m0s are not "
        "available", "the Logpush FAQ's failing v1 job", producer=LOGPULL,
        topic="logpush-versions"),
    MessageClass(
        "logpush.destination-code", r"(?<![\d.:/])\b(?P<code>110[1-46-8]|1201)\b(?![\d.:])",
        "a Logpush destination error code",
        "A code from Logpush's health dashboard or GraphQL. Cloudflare documents 1101-1108 and "
        "1201 with remediation (cloudflare-docs PR 32514); hec-doctor could not verify what "
        "each one means and does not guess. 1105 (DNS) is the one it knows.",
        f"Read the code's row in {HEALTH_PAGE}, then run hec-doctor check on the destination.",
        "1103", "PR-32514 (the code list; meanings not encoded)", producer="Logpush health"),
    # --- Splunk HEC replies --------------------------------------------------------------
    MessageClass(
        "hec.no-data", r'"text"\s*:\s*"No data"|"code"\s*:\s*5\b', "HEC got an empty body",
        "Splunk answered code 5 \"No data\": the request reached HEC with an empty body. "
        "Logpush sends records, so the body was lost on the way: a proxy or load balancer in "
        "front of the HEC dropped it or did not forward it (a gzip-encoded or chunked body it "
        "cannot pass, a body limit), or Logpush sent an empty batch.",
        "Check what sits between Cloudflare and the HEC, and send a test event through it with "
        "hec-doctor check --live.",
        '{"text":"No data","code":5}', "Splunk's HEC status codes (hec-facts.md)",
        producer=SPLUNK, splunk_only=True),
    MessageClass(
        "hec.code", r'"code"\s*:\s*(?P<code>\d+)', "HEC refused the push",
        "Splunk answered with a HEC status code (see below).", "See below.",
        '{"text":"Invalid token","code":4}', "Splunk's HEC status codes (hec-facts.md)",
        producer=SPLUNK, splunk_only=True),
    MessageClass(
        "hec.text", r"(?P<text>Invalid token|Token disabled|Token is required|Invalid "
        r"authorization|Data channel is missing|Incorrect index|Server is busy)",
        "HEC refused the push", "Splunk answered with a HEC status text (see below).",
        "See below.", "error 403: Invalid token", "Splunk's HEC status texts (hec-facts.md)",
        producer=SPLUNK, splunk_only=True),
    # --- plain HTTP statuses -------------------------------------------------------------
    MessageClass(
        "http.not-found", r"\b404\b|\bnot found\b", "wrong path (404)",
        "The path is not a HEC endpoint on this server, or a proxy in front does not route it.",
        "Use /services/collector/raw on the HEC port.", "error 404: 404 page not found",
        "Go net/http's NotFound handler text", fix_any="Use the endpoint's documented path.",
        cause_any="The endpoint does not serve that path, or a proxy in front does not "
                  "route it."),
    MessageClass(
        "http.too-large", r"\b413\b|max_content_length", "batch too large (413)",
        "The batch exceeds Splunk's max_content_length (or a proxy's body limit: nginx's "
        "client_max_body_size is 1 MB unless set; `hec-doctor check` asks, in hec.body_limit).",
        "Raise max_content_length in limits.conf [http_input] (or the proxy's limit), or lower "
        "max_upload_bytes on the job.",
        "error 413: Content-Length of request exceeds max_content_length",
        "Splunk limits.conf [http_input] max_content_length",
        fix_any="Lower max_upload_bytes on the job, or raise the endpoint's body limit.",
        cause_any="The batch exceeds the endpoint's (or a proxy's) body limit."),
    MessageClass(
        "http.gateway-timeout", r"\b504\b.*Gateway|Gateway Time-?out", "gateway timeout (504)",
        "A gateway gave up waiting. When a job is created or updated, that is Cloudflare's API "
        "timing out while validating the destination; Cloudflare's Splunk guide names a wrong "
        "URL as the usual cause (a Splunk Cloud HEC host starts with http-inputs-). In a job's "
        "error_message, it is a proxy or load balancer in front of the HEC that timed out "
        "waiting for Splunk.",
        "Check the host and port with hec-doctor check (DNS, TCP, TLS, then HEC's answer).",
        "504 Gateway Timeout", "CF-splunk",
        producer="a gateway (Cloudflare's API on create or update, else a proxy before the HEC)",
        fix_any="Check that the destination's host and port answer, and what sits in front.",
        cause_any="A gateway gave up waiting: Cloudflare's API validating the destination "
                  "(on create or update), or a proxy in front of the endpoint."),
    MessageClass(
        "http.unavailable", r"\b(502|503|504|429)\b", "HEC or a proxy unavailable",
        "A proxy or the HEC itself was overloaded or down (502/504 gateways, 503 busy, 429 "
        "rate limit).", "Check the HEC's queues and what sits in front of it.",
        "error 503: Service Unavailable", "HTTP status codes (RFC 9110)",
        fix_any="Check the endpoint's load and what sits in front of it.",
        title_any="endpoint or a proxy unavailable",
        cause_any="A proxy or the endpoint itself was overloaded or down (502/504 gateways, "
                  "503 busy, 429 rate limit)."),
)
