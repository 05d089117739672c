"""The aiohttp application of the OCPI hub: the OCPI edge, credentials, HubClientInfo, CLI."""
