"""OpenAPI description of the session-token authentication (drf-spectacular extension, registered on import)."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class SessionTokenScheme(OpenApiAuthenticationExtension):
    target_class = "shopify_app.authentication.SessionTokenAuthentication"
    name = "shopifySessionToken"

    def get_security_definition(self, auto_schema):  # noqa: ANN001, ANN201 (drf-spectacular's hook)
        # https://shopify.dev/docs/apps/build/authentication-authorization/session-tokens
        return {"type": "http", "scheme": "bearer", "bearerFormat": "JWT",
                "description": "The App Bridge session token (ID token) of the shop."}
