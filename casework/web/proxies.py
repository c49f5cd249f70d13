"""Which client address to believe behind a reverse proxy.

``X-Forwarded-For`` is written by whoever sends the request: believed blindly, anyone could
pick the address their failed logins are counted against, or the one the access log shows.
With ``TRUSTED_PROXIES`` set, the headers are read only when the request comes straight from
one of those proxies, and the client is the nearest address in the chain that is not one of
them. ``PROXY_COUNT`` (Werkzeug's ProxyFix, the older setting) still works when
``TRUSTED_PROXIES`` is empty.
"""
import ipaddress

from werkzeug.middleware.proxy_fix import ProxyFix


def parse_networks(setting) -> tuple:
    """``"10.0.0.5, 10.1.0.0/16"`` (or a list of them) as networks; ValueError if one is
    not an address or a network."""
    if isinstance(setting, str):
        setting = setting.split(",")
    networks = []
    for item in setting or ():
        item = str(item).strip()
        if item:
            networks.append(ipaddress.ip_network(item, strict=False))
    return tuple(networks)


def _address(text):
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


class TrustedProxies:
    """WSGI middleware: believe ``X-Forwarded-For`` (and ``-Proto``, ``-Host``) only from
    the trusted proxies."""

    def __init__(self, app, networks):
        self.app = app
        self.networks = tuple(networks)

    def trusted(self, text) -> bool:
        address = _address(text or "")
        return address is not None and any(address in network for network in self.networks)

    def client_address(self, peer, forwarded_for):
        """The nearest address, from the right of the chain, that is not a trusted proxy.
        Everything left of it was written by the client itself and is ignored."""
        client = peer
        for hop in reversed([part.strip() for part in forwarded_for.split(",")]):
            if not self.trusted(client):
                break
            if _address(hop) is None:
                break  # garbage in the chain: stop at the last proxy we believe
            client = hop
        return client

    def __call__(self, environ, start_response):
        peer = environ.get("REMOTE_ADDR", "")
        environ["casework.proxy.peer"] = peer
        if self.trusted(peer):
            forwarded_for = environ.get("HTTP_X_FORWARDED_FOR", "")
            if forwarded_for:
                environ["REMOTE_ADDR"] = self.client_address(peer, forwarded_for)
            proto = environ.get("HTTP_X_FORWARDED_PROTO", "").split(",")[-1].strip().lower()
            if proto in ("http", "https"):
                environ["wsgi.url_scheme"] = proto
            host = environ.get("HTTP_X_FORWARDED_HOST", "").split(",")[-1].strip()
            if host:
                environ["HTTP_HOST"] = host
        return self.app(environ, start_response)


def wrap(wsgi_app, config):
    """The app behind the configured proxy handling (or as it is, with neither setting)."""
    networks = parse_networks(config.get("TRUSTED_PROXIES"))
    if networks:
        return TrustedProxies(wsgi_app, networks)
    count = config.get("PROXY_COUNT") or 0
    if count:
        return ProxyFix(wsgi_app, x_for=count, x_proto=count, x_host=count)
    return wsgi_app
