"""The OCPI edge shared by every version: envelopes, the one error type, request ids, authentication, pagination,
versions and version details."""
