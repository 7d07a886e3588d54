"""What can go wrong in a read or a write, said without HTTP: app.api.problems maps each to
its problem+json answer (404, 409, 412, 413, 422), in one place."""


class DomainError(Exception):
    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class NotFound(DomainError):
    """The record asked for does not exist."""


class Conflict(DomainError):
    """The write contradicts what is stored (a taken id, a final retraction, dependents)."""


class StaleVersion(DomainError):
    """The writer's If-Match names another version than the stored one."""

    def __init__(self, detail: str, *, current_etag: str) -> None:
        super().__init__(detail)
        self.current_etag = current_etag


class TooLarge(DomainError):
    """The input exceeds a limit the storage can hold."""


class Invalid(DomainError):
    """One input field is wrong: `where` is `body`, `query` or `path`; `name` the field."""

    def __init__(self, where: str, name: str, message: str) -> None:
        super().__init__(message)
        self.where, self.name = where, name
