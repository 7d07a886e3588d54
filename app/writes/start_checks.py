"""What a start finds to do before it serves: seed an empty database, or index the records of
one upgraded from before search. Kept apart from the seed's loader, so that a start on a
database that needs neither never imports the seed's reader (YAML and its checks)."""

from sqlalchemy import Engine, func
from sqlmodel import Session, select

from app.db.tables import Fact, SearchEntry, Source
from app.queries.search import rebuild_search_index


def search_index_built(session: Session) -> bool:
    """Whether every fact version and source has its search entry. Data written before the
    index existed (or, before revision 0003, versions other than the current ones) is
    indexed by the next load or start."""
    entries = session.exec(select(func.count()).select_from(SearchEntry)).one()
    facts = session.exec(select(func.count()).select_from(Fact)).one()
    sources = session.exec(select(func.count()).select_from(Source)).one()
    return entries > 0 and entries >= facts + sources


def index_records_written_before_search(engine: Engine) -> bool:
    """A database upgraded from before the search index existed holds records the index does
    not: index them once. True if it did."""
    with Session(engine) as session, session.begin():
        if search_index_built(session):
            return False
        rebuild_search_index(session)
        return True


def database_is_empty(engine: Engine) -> bool:
    with Session(engine) as session:
        return session.exec(select(Source.id).limit(1)).first() is None
