"""Changing the data behind the app's back, as another process or a direct writer would."""

from sqlalchemy import update
from sqlmodel import Session

from app.db.engine import make_engine
from app.db.tables import Fact
from app.queries.state import bump_data_version

FUNDING = "/missions/mss/funding"
NOTE = "USD 48 million of the MSS trust fund remains unallocated."


def edit_summary(url: str, old: str, new: str) -> None:
    """A committed change of the data, as any writer makes it: the rows and the version."""
    engine = make_engine(url)
    with Session(engine) as session, session.begin():
        session.execute(update(Fact).where(Fact.summary == old).values(summary=new))  # type: ignore[arg-type]
        bump_data_version(session)
    engine.dispose()
