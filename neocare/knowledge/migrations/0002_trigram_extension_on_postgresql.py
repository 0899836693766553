"""pg_trgm on PostgreSQL, for ordering search results by trigram similarity.

Only on PostgreSQL (the SQLite default has nothing to do), and only when the database user may
create it (pg_trgm is a trusted extension from PostgreSQL 13: the database's owner may). When it
cannot be made, search still works — it matches substrings — and orders without similarity
(neocare/knowledge/services.py checks pg_extension). The reverse leaves the extension: other
databases objects may come to use it.
"""

from django.db import migrations, transaction
from django.db.utils import DatabaseError


def create_pg_trgm(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    try:
        # A savepoint: a refused CREATE must not abort the migration's transaction.
        with transaction.atomic(using=schema_editor.connection.alias):
            schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except DatabaseError:
        pass


class Migration(migrations.Migration):
    dependencies = [("knowledge", "0001_articles_and_tags")]

    operations = [migrations.RunPython(create_pg_trgm, migrations.RunPython.noop)]
