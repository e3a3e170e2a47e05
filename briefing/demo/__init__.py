"""The bundled offline demo: sample news about 19–20 September 2023, served on loopback."""

from .server import DemoNews, DemoServer, ReplayClock, default_demo_db, fresh_demo_db

__all__ = ["DemoNews", "DemoServer", "ReplayClock", "default_demo_db", "fresh_demo_db"]
