"""Log configuration for `mission-facts serve`.

Uvicorn's own access line cannot carry the request id, so it is switched off and the app's
`app.access` logger writes one line per request instead (see app/request_id.py). The app's
loggers print at INFO beside uvicorn's.
"""

import copy
from typing import Any

from uvicorn.config import LOGGING_CONFIG


def log_config() -> dict[str, Any]:
    config = copy.deepcopy(LOGGING_CONFIG)
    config["formatters"]["app"] = {
        "()": "logging.Formatter",
        "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s",
    }
    config["handlers"]["app"] = {
        "formatter": "app",
        "class": "logging.StreamHandler",
        "stream": "ext://sys.stderr",
    }
    config["loggers"]["app"] = {"handlers": ["app"], "level": "INFO", "propagate": False}
    return config
