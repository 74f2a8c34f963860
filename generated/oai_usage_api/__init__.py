"""A client library for accessing OpenAI Usage, Costs and Admin read API"""

from .client import AuthenticatedClient, Client

__all__ = (
    "AuthenticatedClient",
    "Client",
)
