"""Platforms and their parties: the directory in memory, tokens, the credentials handshake in both directions,
invitations, offboarding, agreements, the still-alive check, HubClientInfo, and the hub's own outbound calls."""
