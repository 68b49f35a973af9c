"""Typed errors for everything that talks to Shopify. `retryable` says whether trying again later can help."""

from __future__ import annotations


class ShopifyError(Exception):
    retryable: bool = False

    def __init__(
        self, message: str, *, retryable: bool | None = None, status: int | None = None, code: str | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        if retryable is not None:
            self.retryable = retryable
        self.status = status
        self.code = code


class ThrottledError(ShopifyError):
    """The cost bucket stayed empty (GraphQL THROTTLED) or 429s kept coming after the bounded waits."""

    retryable = True


class ShopifyUnavailableError(ShopifyError):
    """5xx, a timeout or a network failure that outlasted the retries."""

    retryable = True


class ShopUninstalledError(ShopifyError):
    """401: the access token is invalid (the app was uninstalled or the token revoked)."""

    retryable = False


class NotFoundError(ShopifyError):
    """The shop, product or media does not exist (or is not this shop's)."""

    retryable = False


class ShopifyUserError(ShopifyError):
    """A mutation answered with userErrors, or media failed with mediaErrors (both carried as given)."""

    retryable = False

    def __init__(
        self,
        message: str,
        *,
        user_errors: list[dict] | None = None,
        media_errors: list[dict] | None = None,
        code: str | None = None,
    ) -> None:
        self.user_errors = user_errors or []
        self.media_errors = media_errors or []
        details = [e.get("message", "") for e in self.user_errors + self.media_errors]
        super().__init__(f"{message}: {'; '.join(d for d in details if d)}" if any(details) else message, code=code)


class OAuthError(ShopifyError):
    """A token grant (token exchange, authorization code, refresh) was refused."""

    retryable = False
