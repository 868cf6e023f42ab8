"""What errors and headers give away (API8), and whether the routes served are the
routes documented (API9)."""

from __future__ import annotations

from .actors import PROTECTED, Actors, json_or_none
from .cases import Outcome, case

UNDOCUMENTED = ("/admin/", "/debug/", "/docs", "/redoc", "/.env", "/swagger.json", "/console/")


@case("API8", "all five", "error bodies without stack traces")
async def error_bodies(x: Actors) -> Outcome:
    leaks = []
    for service in PROTECTED:
        for method, path, body in (
            ("GET", "/nothing-here/", None),
            ("DELETE", "/healthz", None),
            ("POST", "/auth/verify/", b"{oops"),
        ):
            reply = await x.http.request(
                method, x.url(service, path), content=body, headers=x.as_(x.admin_token)
            )
            envelope = (
                "error" in reply.json()
                if reply.headers.get("content-type", "").startswith("application/json")
                else False
            )
            if not envelope or "Traceback" in reply.text or 'File "' in reply.text:
                leaks.append(f"{service} {method} {path} {reply.status_code}")
    return (
        not leaks,
        "404, 405 and 400 on every service in the envelope, no stack trace; "
        f"bad: {leaks or 'none'}",
    )


@case("API8", "all five", "CORS and response headers")
async def headers(x: Actors) -> Outcome:
    problems = []
    for service, path in PROTECTED.items():
        reply = await x.http.options(
            x.url(service, path),
            headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "GET"},
        )
        if reply.headers.get("access-control-allow-origin") in ("*", "https://evil.example"):
            problems.append(f"{service}: CORS allows any origin")
        answer = await x.http.get(x.url(service, path), headers=x.as_(x.admin_token))
        if answer.headers.get("x-content-type-options") != "nosniff":
            problems.append(f"{service}: no nosniff")
        banner = answer.headers.get("server", "")
        if names_a_version(banner):
            problems.append(f"{service}: server banner {banner!r} names its version")
    return not problems, "; ".join(problems) or (
        "no CORS for strangers, nosniff, no server version"
    )


def names_a_version(banner: str) -> bool:
    """Whether a Server header tells a scanner which version to attack, as OWASP ZAP's
    rule 10036 judges it (a digit in it): `nginx`, which every ingress sends, does not;
    `nginx/1.22.1` does."""
    return any(c.isdigit() for c in banner)


@case("API9", "all five", "served and documented routes agree")
async def inventory(x: Actors) -> Outcome:
    stray = []
    for service in PROTECTED:
        document = (await x.http.get(x.url(service, "/openapi.json"))).json()
        for path, item in document["paths"].items():
            for method in item:
                if path.endswith("/stream/") or path == "/ws/":
                    continue
                concrete = path.replace("{", "").replace("}", "")
                reply = await x.http.request(
                    method.upper(), x.url(service, concrete), headers=x.as_(x.admin_token)
                )
                error = (json_or_none(reply) or {}).get("error")  # OAuth's is a string
                said = str(error.get("message", "")) if isinstance(error, dict) else ""
                unrouted = reply.status_code == 404 and said.startswith("no route")
                if reply.status_code == 405 or unrouted or reply.status_code >= 500:
                    stray.append(
                        f"{service} {method.upper()} {path} documented, answered "
                        f"{reply.status_code}"
                    )
        for path in UNDOCUMENTED:
            if (await x.status("GET", service, path, x.admin_token)) != 404:
                stray.append(f"{service} {path} served, not documented")
    return not stray, "; ".join(
        stray
    ) or "every documented operation served, no undocumented route found"
