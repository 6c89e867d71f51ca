"""TypeScript types of the Data API's schemas, as ``supabase gen types typescript`` writes them.

The Supabase CLI runs postgres-meta's generator (``@supabase/postgrest-typegen``)
in Docker; neither is available offline, in CI without Docker, or to a Python
install. This module reads the same catalog facts (what the generator's
introspection queries read) and prints the same text: the generator's
template after its formatter (``oxfmt``: prettier's style, no semicolons,
80 columns). The output for this project's schema was compared byte for byte
with postgres-meta 0.99.0 run with the CLI's settings (``--local``: included
schemas, one-to-one detection on, default schema ``public``); see
docs/deploy.md ("TypeScript types of the database").

What the project's schemas do not use is refused (``UnsupportedSchema``), not
guessed: overloaded functions, functions returning or taking a table's row
type (computed fields, ``SetofOptions``), and lines that the formatter would
have to break in ways this module does not reproduce.
"""

# The helper types below are the generator's output verbatim, lines over 100 included.
# ruff: noqa: E501
from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

import asyncpg

T = TypeVar("T")

# The schemas the Data API exposes ([api] schemas in supabase/config.toml), the
# committed file the frontend types its Supabase client with, and how to refresh it.
EXPOSED_SCHEMAS = ("soundstage",)
TYPES_PATH = Path("apps/web/src/lib/database.types.ts")
REFRESH_COMMAND = f"soundstage db types --output {TYPES_PATH}"

PRINT_WIDTH = 80
DEFAULT_SCHEMA = "public"  # postgres-meta's default; the CLI does not change it


class UnsupportedSchema(RuntimeError):
    """The schema uses something this generator does not reproduce exactly."""


@dataclass(frozen=True)
class Column:
    name: str
    format: str  # the type's name (a domain's base type), e.g. "int8", "_text"
    type_schema: str
    is_nullable: bool
    is_identity: bool
    identity_always: bool
    is_generated: bool
    has_default: bool
    is_updatable: bool


@dataclass
class Relation:
    id: int
    schema: str
    name: str
    kind: str  # "table" (tables, partitioned, foreign) or "view" (views, materialized)
    insert_enabled: bool = False
    update_enabled: bool = False
    columns: list[Column] = field(default_factory=list)


@dataclass(frozen=True)
class Relationship:
    foreign_key_name: str
    schema: str
    relation: str
    columns: tuple[str, ...]
    is_one_to_one: bool
    referenced_schema: str
    referenced_relation: str
    referenced_columns: tuple[str, ...]


@dataclass(frozen=True)
class Arg:
    mode: str  # in, out, inout, variadic, table
    name: str
    type_id: int
    has_default: bool


@dataclass(frozen=True)
class Function:
    schema: str
    name: str
    args: tuple[Arg, ...]
    return_type_id: int
    return_type_relation_id: int | None
    is_set_returning: bool
    identity_argument_types: str


@dataclass(frozen=True)
class PgType:
    id: int
    schema: str
    name: str
    enums: tuple[str, ...]
    attributes: tuple[tuple[str, int], ...]
    type_relation_id: int | None


@dataclass
class Metadata:
    schemas: list[str]
    relations: list[Relation]
    relationships: list[Relationship]
    functions: list[Function]
    types: dict[int, PgType]


# ------------------------------------------------------------------ ordering


def _collation_key(text: str) -> tuple[tuple[tuple[int, str], ...], tuple[int, ...]]:
    """Order as ``Intl.Collator("en")`` (the generator's only comparison) does
    for the names a schema has: punctuation before digits before letters,
    letters by their base letter first, lower case before upper case."""
    primary: list[tuple[int, str]] = []
    tertiary: list[int] = []
    for ch in unicodedata.normalize("NFD", text):
        if unicodedata.combining(ch):
            continue
        if ch.isalpha():
            primary.append((2, ch.lower()))
            tertiary.append(0 if ch.islower() else 1)
        elif ch.isdigit():
            primary.append((1, ch))
        else:
            primary.append((0, ch))
    return tuple(primary), tuple(tertiary)


def _sorted_by_name(items: Iterable[T], name: Callable[[T], str]) -> list[T]:
    return sorted(items, key=lambda item: _collation_key(name(item)))


# ------------------------------------------------------------- introspection

_RELATIONS = """
select c.oid::int8 as id, n.nspname as schema, c.relname as name, c.relkind::text as relkind,
       (pg_relation_is_updatable(c.oid, true) & 8) = 8 as insert_enabled,
       (pg_relation_is_updatable(c.oid, true) & 4) = 4 as update_enabled
from pg_class c
join pg_namespace n on n.oid = c.relnamespace
where n.nspname = any($1::text[])
  and c.relkind in ('r', 'p', 'f', 'v', 'm')
  and (pg_has_role(c.relowner, 'USAGE')
       or has_table_privilege(c.oid, 'SELECT, INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER')
       or has_any_column_privilege(c.oid, 'SELECT, INSERT, UPDATE, REFERENCES'))
"""

_COLUMNS = """
select c.oid::int8 as table_id, a.attname as name,
       coalesce(bt.typname, t.typname) as format,
       coalesce(nbt.nspname, nt.nspname) as type_schema,
       not (a.attnotnull or (t.typtype = 'd' and t.typnotnull)) as is_nullable,
       a.attidentity in ('a', 'd') as is_identity,
       a.attidentity = 'a' as identity_always,
       a.attgenerated <> '' as is_generated,
       a.atthasdef as has_default,
       c.relkind in ('r', 'p')
         or (c.relkind in ('v', 'f') and (
               pg_column_is_updatable(c.oid, a.attnum, false)
               or exists (select 1 from pg_trigger tg
                          where tg.tgrelid = c.oid and tg.tgtype & 64 <> 0
                            and tg.tgtype & 20 <> 0 and not tg.tgisinternal)
               or exists (select 1 from pg_rewrite rw
                          where rw.ev_class = c.oid and rw.is_instead
                            and rw.ev_type in ('2', '3') and rw.ev_qual::text = '<>')))
         as is_updatable
from pg_attribute a
join pg_class c on c.oid = a.attrelid
join pg_namespace nc on nc.oid = c.relnamespace
join pg_type t on t.oid = a.atttypid
join pg_namespace nt on nt.oid = t.typnamespace
left join (pg_type bt join pg_namespace nbt on nbt.oid = bt.typnamespace)
  on t.typtype = 'd' and t.typbasetype = bt.oid
where nc.nspname = any($1::text[])
  and a.attnum > 0 and not a.attisdropped
  and c.relkind in ('r', 'v', 'm', 'f', 'p')
  and (pg_has_role(c.relowner, 'USAGE')
       or has_column_privilege(c.oid, a.attnum, 'SELECT, INSERT, UPDATE, REFERENCES'))
"""

# Foreign keys declared in the schemas (to anywhere), one-to-one when the
# referencing columns, in the key's order, are exactly a primary key or unique
# constraint of the referencing table (columns in table order), as PostgREST decides.
_FOREIGN_KEYS = """
select k.conname as foreign_key_name, n1.nspname as schema, t1.relname as relation,
       k.conrelid::int8 as relation_id,
       (select array_agg(a.attname order by o.ord)
          from unnest(k.conkey) with ordinality o(attnum, ord)
          join pg_attribute a on a.attrelid = k.conrelid and a.attnum = o.attnum) as columns,
       k.conkey::int2[] as column_numbers,
       n2.nspname as referenced_schema, t2.relname as referenced_relation,
       k.confrelid::int8 as referenced_id,
       (select array_agg(a.attname order by o.ord)
          from unnest(k.confkey) with ordinality o(attnum, ord)
          join pg_attribute a on a.attrelid = k.confrelid and a.attnum = o.attnum)
         as referenced_columns,
       k.confkey::int2[] as referenced_numbers,
       exists (
         select 1 from pg_constraint u
         where u.conrelid = k.conrelid and u.contype in ('p', 'u')
           and (select array_agg(a.attname order by a.attnum)
                  from unnest(u.conkey) x(attnum)
                  join pg_attribute a on a.attrelid = u.conrelid and a.attnum = x.attnum)
               = (select array_agg(a.attname order by o.ord)
                    from unnest(k.conkey) with ordinality o(attnum, ord)
                    join pg_attribute a on a.attrelid = k.conrelid and a.attnum = o.attnum)
       ) as is_one_to_one
from pg_constraint k
join pg_class t1 on t1.oid = k.conrelid
join pg_namespace n1 on n1.oid = t1.relnamespace
join pg_class t2 on t2.oid = k.confrelid
join pg_namespace n2 on n2.oid = t2.relnamespace
where k.contype = 'f' and k.conparentid = 0 and k.connamespace::regnamespace::text = any($1::text[])
"""

_KEYS = """
select conname, contype::text as contype, conrelid::int8 as relation_id, conkey::int2[] as numbers
from pg_constraint where contype in ('p', 'u')
"""

# The first query of each view's rewrite rule: which table column each output
# column reads (resorigtbl/resorigcol of its target entry, 0 when computed).
_VIEW_RULES = """
select c.oid::int8 as view_id, r.ev_action::text as tree,
       array(select a.attname from pg_attribute a
             where a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
             order by a.attnum) as columns
from pg_class c
join pg_namespace n on n.oid = c.relnamespace
join pg_rewrite r on r.ev_class = c.oid
where c.relkind in ('v', 'm') and r.rulename = '_RETURN'
"""

_FUNCTIONS = """
select n.nspname as schema, p.proname as name,
       coalesce(p.proargmodes::text[],
                array_fill('i'::text, array[cardinality(coalesce(p.proallargtypes, p.proargtypes))]))
         as modes,
       coalesce(p.proargnames,
                array_fill(''::text, array[cardinality(coalesce(p.proallargtypes, p.proargtypes))]))
         as names,
       coalesce(p.proallargtypes, p.proargtypes::oid[])::int8[] as types,
       p.pronargs as nargs, p.pronargdefaults as ndefaults,
       p.prorettype::int8 as return_type_id,
       nullif(rt.typrelid::int8, 0) as return_type_relation_id,
       p.proretset as retset,
       pg_get_function_identity_arguments(p.oid) as identity_argument_types,
       pg_get_function_result(p.oid) as result
from pg_proc p
join pg_namespace n on n.oid = p.pronamespace
left join pg_type rt on rt.oid = p.prorettype
where n.nspname = any($1::text[]) and p.prokind = 'f'
"""

_TYPES = """
select t.oid::int8 as id, n.nspname as schema, t.typname as name,
       coalesce((select array_agg(e.enumlabel order by e.enumsortorder)
                 from pg_enum e where e.enumtypid = t.oid), '{}') as enums,
       coalesce((select array_agg(a.attname order by a.attnum)
                 from pg_attribute a join pg_class c on c.oid = a.attrelid
                 where c.oid = t.typrelid and c.relkind = 'c' and not a.attisdropped), '{}')
         as attribute_names,
       coalesce((select array_agg(a.atttypid::int8 order by a.attnum)
                 from pg_attribute a join pg_class c on c.oid = a.attrelid
                 where c.oid = t.typrelid and c.relkind = 'c' and not a.attisdropped), '{}')
         as attribute_types,
       nullif(t.typrelid::int8, 0) as type_relation_id
from pg_type t
join pg_namespace n on n.oid = t.typnamespace
where t.typrelid = 0
   or (select c.relkind in ('c', 'r', 'v', 'm', 'p', 'f') from pg_class c where c.oid = t.typrelid)
"""

_TARGET_ENTRY = re.compile(
    # a name's spaces and brackets are backslash-escaped in the tree
    r":resno (\d+) :resname (?:\\.|\S)+ :ressortgroupref \d+ :resorigtbl (\d+) :resorigcol (\d+)"
)


async def introspect(conn: asyncpg.Connection, schemas: Sequence[str]) -> Metadata:
    names = list(schemas)
    present = {
        r["nspname"]
        for r in await conn.fetch(
            "select nspname from pg_namespace where nspname = any($1::text[])", names
        )
    }
    relations: dict[int, Relation] = {}
    for r in await conn.fetch(_RELATIONS, names):
        is_view = r["relkind"] in ("v", "m")
        relations[r["id"]] = Relation(
            r["id"],
            r["schema"],
            r["name"],
            "view" if is_view else "table",
            # a materialized view is never written through
            insert_enabled=r["relkind"] == "v" and r["insert_enabled"],
            update_enabled=r["relkind"] == "v" and r["update_enabled"],
        )
    for r in await conn.fetch(_COLUMNS, names):
        rel = relations.get(r["table_id"])
        if rel is not None:
            rel.columns.append(
                Column(
                    r["name"],
                    r["format"],
                    r["type_schema"],
                    r["is_nullable"],
                    r["is_identity"],
                    r["identity_always"],
                    r["is_generated"],
                    r["has_default"],
                    r["is_updatable"],
                )
            )
    for rel in relations.values():
        rel.columns = _sorted_by_name(rel.columns, lambda c: c.name)

    fks = await conn.fetch(_FOREIGN_KEYS, names)
    relationships = [
        Relationship(
            r["foreign_key_name"],
            r["schema"],
            r["relation"],
            tuple(r["columns"]),
            r["is_one_to_one"],
            r["referenced_schema"],
            r["referenced_relation"],
            tuple(r["referenced_columns"]),
        )
        for r in fks
    ]
    relationships += await _view_relationships(conn, names, fks)

    functions: list[Function] = []
    for r in await conn.fetch(_FUNCTIONS, names):
        defaults_from = r["nargs"] - r["ndefaults"]
        args: list[Arg] = []
        in_position = 0
        for mode, name, type_id in zip(r["modes"], r["names"], r["types"], strict=True):
            long_mode = {"i": "in", "o": "out", "b": "inout", "v": "variadic"}.get(mode, "table")
            # pronargdefaults counts the last input arguments (in, inout, variadic)
            has_default = False
            if long_mode in ("in", "inout", "variadic"):
                has_default = in_position >= defaults_from
                in_position += 1
            args.append(Arg(long_mode, name, type_id, has_default))
        functions.append(
            Function(
                r["schema"],
                r["name"],
                tuple(args),
                r["return_type_id"],
                r["return_type_relation_id"],
                r["retset"],
                r["identity_argument_types"],
            )
        )
    types = {
        r["id"]: PgType(
            r["id"],
            r["schema"],
            r["name"],
            tuple(r["enums"]),
            tuple(zip(r["attribute_names"], r["attribute_types"], strict=True)),
            r["type_relation_id"],
        )
        for r in await conn.fetch(_TYPES)
    }
    # trigger functions are not callable through the API
    functions = [
        f
        for f in functions
        if f.return_type_id not in types
        or types[f.return_type_id].name not in ("trigger", "event_trigger")
    ]
    return Metadata(
        _sorted_by_name((s for s in names if s in present), lambda s: s),
        list(relations.values()),
        relationships,
        functions,
        types,
    )


async def _view_relationships(
    conn: asyncpg.Connection, schemas: list[str], fks: Sequence[asyncpg.Record]
) -> list[Relationship]:
    """The relationships PostgREST infers for views: a view that selects every
    column of a table's foreign key (or of the key it references) carries the
    relationship too, as view -> table, table -> view and view -> view."""
    rules = await conn.fetch(_VIEW_RULES)
    in_schemas = await _view_ids(conn, schemas)
    view_info = {r["view_id"]: r["columns"] for r in rules if r["view_id"] in in_schemas}
    if not view_info:
        return []
    names = {
        r["id"]: (r["schema"], r["name"])
        for r in await conn.fetch(
            "select c.oid::int8 as id, n.nspname as schema, c.relname as name from pg_class c "
            "join pg_namespace n on n.oid = c.relnamespace where c.oid = any($1::int8[])",
            list(view_info),
        )
    }
    direct = {r["view_id"]: _target_origins(r["tree"]) for r in rules}

    # (view, table, table column number) -> the view's column names, following
    # views of views down to the table.
    origins: dict[tuple[int, int, int], list[str]] = {}
    for view_id, columns in view_info.items():
        for resno, (tbl, col) in direct.get(view_id, {}).items():
            seen = {view_id}
            while tbl in direct and tbl not in seen and col in direct[tbl]:
                seen.add(tbl)
                tbl, col = direct[tbl][col]
            origins.setdefault((view_id, tbl, col), []).append(columns[resno - 1])

    def view_columns(view_id: int, table_id: int, numbers: Sequence[int]) -> list[list[str]]:
        """Every way of naming the key's columns with the view's columns ([] if one is missing)."""
        choices = [origins.get((view_id, table_id, n), []) for n in numbers]
        if any(not c for c in choices):
            return []
        combos: list[list[str]] = [[]]
        for options in choices:
            combos = [[*combo, option] for combo in combos for option in options]
        return combos

    found: list[Relationship] = []
    for fk in fks:
        for view_id in view_info:
            view_schema, view_name = names[view_id]
            for cols in view_columns(view_id, fk["relation_id"], fk["column_numbers"]):
                found.append(
                    Relationship(
                        fk["foreign_key_name"],
                        view_schema,
                        view_name,
                        tuple(cols),
                        fk["is_one_to_one"],
                        fk["referenced_schema"],
                        fk["referenced_relation"],
                        tuple(fk["referenced_columns"]),
                    )
                )
        for view_id in view_info:
            view_schema, view_name = names[view_id]
            for cols in view_columns(view_id, fk["referenced_id"], fk["referenced_numbers"]):
                found.append(
                    Relationship(
                        fk["foreign_key_name"],
                        fk["schema"],
                        fk["relation"],
                        tuple(fk["columns"]),
                        fk["is_one_to_one"],
                        view_schema,
                        view_name,
                        tuple(cols),
                    )
                )
        for from_id in view_info:
            from_schema, from_name = names[from_id]
            for cols in view_columns(from_id, fk["relation_id"], fk["column_numbers"]):
                for to_id in view_info:
                    to_schema, to_name = names[to_id]
                    for ref in view_columns(to_id, fk["referenced_id"], fk["referenced_numbers"]):
                        found.append(
                            Relationship(
                                fk["foreign_key_name"],
                                from_schema,
                                from_name,
                                tuple(cols),
                                fk["is_one_to_one"],
                                to_schema,
                                to_name,
                                tuple(ref),
                            )
                        )
    return found


def _target_origins(tree: str) -> dict[int, tuple[int, int]]:
    """The outer query's target list in a view's rule (``pg_rewrite.ev_action``
    text): output column number -> (table oid, column number) it reads, for
    the columns that read one (``resorigtbl``, which Postgres resolves through
    subqueries in FROM; scalar subqueries and expressions have none)."""
    origins: dict[int, tuple[int, int]] = {}
    depth = 0  # braces: 1 inside the rule's (first) Query node
    i, n = 0, len(tree)
    while i < n:
        c = tree[i]
        if c == "\\":  # an escaped character of a name or constant
            i += 2
            continue
        if c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
            if depth == 0:
                break  # the end of the first Query
        elif depth == 1 and tree.startswith(":targetList (", i):
            i += len(":targetList (")
            level, start = 0, i
            while i < n:
                c = tree[i]
                if c == "\\":
                    i += 2
                    continue
                if c == "{":
                    if level == 0:
                        start = i
                    level += 1
                elif c == "}":
                    level -= 1
                    if level == 0:
                        # a TARGETENTRY's own fields follow its expression, so
                        # the last match is its own, not a nested query's
                        matches = list(_TARGET_ENTRY.finditer(tree, start, i + 1))
                        if matches and int(matches[-1][2]) != 0:
                            m = matches[-1]
                            origins[int(m[1])] = (int(m[2]), int(m[3]))
                elif c == ")" and level == 0:
                    return origins
                i += 1
            return origins
        i += 1
    return origins


async def _view_ids(conn: asyncpg.Connection, schemas: list[str]) -> set[int]:
    rows = await conn.fetch(
        "select c.oid::int8 as id from pg_class c join pg_namespace n on n.oid = c.relnamespace "
        "where c.relkind in ('v', 'm') and n.nspname = any($1::text[])",
        schemas,
    )
    return {r["id"] for r in rows}


# ------------------------------------------------------------------- output

_IDENTIFIER = re.compile(r"^[A-Za-z_$][A-Za-z0-9_$]*$")


def _key(name: str) -> str:
    # prettier's quoteProps "as-needed": quotes only where a name needs them
    return name if _IDENTIFIER.match(name) else json.dumps(name)


def _str(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)


def _property(indent: int, key: str, union: Sequence[str]) -> list[str]:
    """``key: a | b`` on one line, or broken before each member as prettier
    breaks a union that does not fit."""
    pad = " " * indent
    line = f"{pad}{key}: {' | '.join(union)}"
    if len(line) <= PRINT_WIDTH or len(union) == 1:
        return [line]
    return [f"{pad}{key}:", *(f"{pad}  | {member}" for member in union)]


class _Render:
    def __init__(self, meta: Metadata) -> None:
        self.meta = meta
        self.by_relation_id = {r.id: r for r in meta.relations}

    # pgTypeToTsType, as a union's members (the array suffix binds to one member)
    def ts_type(self, schema: str, pg_type: str, type_schema: str | None = None) -> list[str]:
        if pg_type == "bool":
            return ["boolean"]
        if pg_type in ("int2", "int4", "int8", "float4", "float8", "numeric"):
            return ["number"]
        if pg_type in (
            "bytea",
            "bpchar",
            "varchar",
            "date",
            "text",
            "citext",
            "time",
            "timetz",
            "timestamp",
            "timestamptz",
            "uuid",
            "vector",
            "interval",
        ):
            return ["string"]
        if pg_type in ("json", "jsonb"):
            return ["Json"]
        if pg_type == "void":
            return ["undefined"]
        if pg_type == "record":
            return ["Record<string, unknown>"]
        if pg_type.startswith("_"):
            inner = self.ts_type(schema, pg_type[1:], type_schema)
            element = inner[0] if len(inner) == 1 else f"({' | '.join(inner)})"
            return [f"{element}[]"]
        preferred = type_schema or schema
        enums = [t for t in self.meta.types.values() if t.name == pg_type and t.enums]
        if enums:
            enum = next((t for t in enums if t.schema == preferred), enums[0])
            if enum.schema in self.meta.schemas:
                return [f'Database[{_str(enum.schema)}]["Enums"][{_str(enum.name)}]']
            return [_str(v) for v in enum.enums]
        composites = [t for t in self.meta.types.values() if t.name == pg_type and t.attributes]
        if composites:
            comp = next((t for t in composites if t.schema == preferred), composites[0])
            if comp.schema in self.meta.schemas:
                return [f'Database[{_str(comp.schema)}]["CompositeTypes"][{_str(comp.name)}]']
            return ["unknown"]
        matches = [r for r in self.meta.relations if r.name == pg_type]
        if matches:
            rel = next((r for r in matches if r.schema == preferred), matches[0])
            kind = "Tables" if rel.kind == "table" else "Views"
            if rel.schema in self.meta.schemas:
                return [f'Database[{_str(rel.schema)}]["{kind}"][{_str(rel.name)}]["Row"]']
        return ["unknown"]

    @staticmethod
    def nullable(union: list[str], nullable: bool) -> list[str]:
        if union == ["Json"] and not nullable:
            return ["NonNullable<Json>"]
        if union in (["unknown"], ["any"]) or not nullable:
            return union
        return [*union, "null"]

    def column_lines(
        self, indent: int, schema: str, col: Column, *, nullable: bool, optional: bool
    ) -> list[str]:
        union = self.nullable(self.ts_type(schema, col.format, col.type_schema), nullable)
        return _property(indent, _key(col.name) + ("?" if optional else ""), union)

    def relationships(self, rel: Relation) -> list[Relationship]:
        found = [
            r
            for r in self.meta.relationships
            if r.schema == rel.schema
            and r.relation == rel.name
            and r.referenced_schema == rel.schema
        ]
        return sorted(
            found,
            key=lambda r: (
                _collation_key(r.foreign_key_name),
                _collation_key(r.referenced_relation),
                _collation_key(json.dumps(list(r.referenced_columns), separators=(",", ":"))),
            ),
        )

    def relationship_lines(self, rel: Relation) -> list[str]:
        rels = self.relationships(rel)
        if not rels:
            return ["        Relationships: []"]
        lines = ["        Relationships: ["]
        for r in rels:
            lines += [
                "          {",
                f"            foreignKeyName: {_str(r.foreign_key_name)}",
                *_array(12, "columns", [_str(c) for c in r.columns], trailing=False),
                f"            isOneToOne: {'true' if r.is_one_to_one else 'false'}",
                f"            referencedRelation: {_str(r.referenced_relation)}",
                *_array(
                    12, "referencedColumns", [_str(c) for c in r.referenced_columns], trailing=False
                ),
                "          },",
            ]
        lines.append("        ]")
        return lines

    def tables(self, schema: str, tables: list[Relation], functions: list[Function]) -> list[str]:
        lines = ["    Tables: {"]
        if not tables:
            lines.append("      [_ in never]: never")
        for t in tables:
            self.refuse_computed_fields(t, functions)
            lines.append(f"      {_key(t.name)}: {{")
            lines.append("        Row: {")
            for c in t.columns:
                lines += self.column_lines(10, schema, c, nullable=c.is_nullable, optional=False)
            lines.append("        }")
            lines.append("        Insert: {")
            for c in t.columns:
                if c.identity_always or c.is_generated:
                    lines.append(f"          {_key(c.name)}?: never")
                else:
                    optional = c.is_nullable or c.is_identity or c.has_default
                    lines += self.column_lines(
                        10, schema, c, nullable=c.is_nullable, optional=optional
                    )
            lines.append("        }")
            lines.append("        Update: {")
            for c in t.columns:
                if c.identity_always or c.is_generated:
                    lines.append(f"          {_key(c.name)}?: never")
                else:
                    lines += self.column_lines(10, schema, c, nullable=c.is_nullable, optional=True)
            lines.append("        }")
            lines += self.relationship_lines(t)
            lines.append("      }")
        lines.append("    }")
        return lines

    def views(self, schema: str, views: list[Relation], functions: list[Function]) -> list[str]:
        lines = ["    Views: {"]
        if not views:
            lines.append("      [_ in never]: never")
        for v in views:
            self.refuse_computed_fields(v, functions)
            lines.append(f"      {_key(v.name)}: {{")
            lines.append("        Row: {")
            for c in v.columns:
                lines += self.column_lines(10, schema, c, nullable=c.is_nullable, optional=False)
            lines.append("        }")
            for section, enabled in (("Insert", v.insert_enabled), ("Update", v.update_enabled)):
                if not enabled:
                    continue
                lines.append(f"        {section}: {{")
                for c in v.columns:
                    if not c.is_updatable:
                        lines.append(f"          {_key(c.name)}?: never")
                    else:
                        lines += self.column_lines(10, schema, c, nullable=True, optional=True)
                lines.append("        }")
            lines += self.relationship_lines(v)
            lines.append("      }")
        lines.append("    }")
        return lines

    def refuse_computed_fields(self, rel: Relation, functions: list[Function]) -> None:
        for fn in functions:
            ins = _in_args(fn)
            if len(ins) == 1:
                t = self.meta.types.get(ins[0].type_id)
                if t is not None and t.type_relation_id == rel.id:
                    raise UnsupportedSchema(
                        f"{fn.schema}.{fn.name}: computed fields are not generated here"
                    )

    def type_name(self, schema: str, type_id: int) -> list[str]:
        t = self.meta.types.get(type_id)
        if t is None:
            return ["unknown"]
        return self.ts_type(schema, t.name, t.schema)

    def functions(self, schema: str, functions: list[Function]) -> list[str]:
        lines = ["    Functions: {"]
        if not functions:
            lines.append("      [_ in never]: never")
        grouped: dict[str, list[Function]] = {}
        for fn in functions:
            grouped.setdefault(fn.name, []).append(fn)
        for name, fns in grouped.items():
            if len(fns) > 1:
                raise UnsupportedSchema(f"{schema}.{name}: overloaded functions are not generated")
            lines += self.function(schema, fns[0])
        lines.append("    }")
        return lines

    def function(self, schema: str, fn: Function) -> list[str]:
        ins = _in_args(fn)
        for a in ins:
            t = self.meta.types.get(a.type_id)
            if t is not None and t.type_relation_id is not None:
                raise UnsupportedSchema(f"{schema}.{fn.name}: a row-typed argument")
        if fn.return_type_relation_id is not None and not any(a.mode == "table" for a in fn.args):
            raise UnsupportedSchema(f"{schema}.{fn.name}: returns a row type (SetofOptions)")
        args_inline: str
        args_members: list[str] = []
        if not ins:
            args_inline = "Record<PropertyKey, never>"
        else:
            for a in _sorted_by_name(ins, lambda a: a.name):
                optional = "?" if a.has_default else ""
                args_members.append(
                    f"{_key(a.name)}{optional}: {' | '.join(self.type_name(schema, a.type_id))}"
                )
            args_inline = "{ " + "; ".join(args_members) + " }"
        suffix = "[]" if fn.is_set_returning else ""
        table_args = [a for a in fn.args if a.mode == "table"]
        key = _key(fn.name)
        if table_args:
            # `returns table (...)`: an object type written across lines in the
            # template, which prettier keeps expanded (and so the whole signature)
            lines = [f"      {key}: {{"]
            lines += self.args_lines(args_inline, args_members)
            lines.append("        Returns: {")
            for a in _sorted_by_name(table_args, lambda a: a.name):
                lines += _property(12 - 2, _key(a.name), self.type_name(schema, a.type_id))
            lines.append(f"        }}{suffix}")
            lines.append("      }")
            return lines
        returns = self.type_name(schema, fn.return_type_id)
        returns_text = " | ".join(returns)
        if len(returns) > 1 and suffix:
            returns_text = f"({returns_text})"
        inline = f"      {key}: {{ Args: {args_inline}; Returns: {returns_text}{suffix} }}"
        if len(inline) <= PRINT_WIDTH:
            return [inline]
        return [
            f"      {key}: {{",
            *self.args_lines(args_inline, args_members),
            f"        Returns: {returns_text}{suffix}",
            "      }",
        ]

    @staticmethod
    def args_lines(args_inline: str, members: list[str]) -> list[str]:
        line = f"        Args: {args_inline}"
        if len(line) <= PRINT_WIDTH or not members:
            return [line]
        return ["        Args: {", *(f"          {m}" for m in members), "        }"]

    def enums(self, schema: str) -> list[str]:
        enums = _sorted_by_name(
            (t for t in self.meta.types.values() if t.schema == schema and t.enums),
            lambda t: t.name,
        )
        lines = ["    Enums: {"]
        if not enums:
            lines.append("      [_ in never]: never")
        for e in enums:
            lines += _property(6, _key(e.name), [_str(v) for v in e.enums])
        lines.append("    }")
        return lines

    def composite_types(self, schema: str) -> list[str]:
        composites = _sorted_by_name(
            (t for t in self.meta.types.values() if t.schema == schema and t.attributes),
            lambda t: t.name,
        )
        lines = ["    CompositeTypes: {"]
        if not composites:
            lines.append("      [_ in never]: never")
        for c in composites:
            lines.append(f"      {_key(c.name)}: {{")
            for name, type_id in c.attributes:
                t = self.meta.types.get(type_id)
                union = (
                    ["unknown"]
                    if t is None
                    else self.nullable(self.ts_type(schema, t.name, t.schema), True)
                )
                lines += _property(8, _key(name), union)
            lines.append("      }")
        lines.append("    }")
        return lines

    def constants(self, schema: str) -> list[str]:
        enums = _sorted_by_name(
            (t for t in self.meta.types.values() if t.schema == schema and t.enums),
            lambda t: t.name,
        )
        if not enums:
            return [f"  {_key(schema)}: {{", "    Enums: {},", "  },"]
        lines = [f"  {_key(schema)}: {{", "    Enums: {"]
        for e in enums:
            lines += _array(6, _key(e.name), [_str(v) for v in e.enums], trailing=True)
        lines += ["    },", "  },"]
        return lines


def _array(indent: int, key: str, items: list[str], *, trailing: bool) -> list[str]:
    """``key: [a, b]`` (with a comma after it in an object literal), broken one
    item a line, with trailing commas, when it does not fit."""
    pad = " " * indent
    end = "," if trailing else ""
    line = f"{pad}{key}: [{', '.join(items)}]{end}"
    if len(line) <= PRINT_WIDTH:
        return [line]
    return [f"{pad}{key}: [", *(f"{pad}  {item}," for item in items), f"{pad}]{end}"]


def _in_args(fn: Function) -> list[Arg]:
    return [a for a in fn.args if a.mode in ("in", "inout", "variadic")]


def _exposed(fn: Function, types: dict[int, PgType]) -> bool:
    """Which functions PostgREST can call, as the generator decides: no input
    arguments, all of them named, every unnamed one defaulted and json, jsonb or
    text, or a single unnamed one of those types."""
    ins = _in_args(fn)
    if not ins or all(a.name for a in ins):
        return True
    valid = {114, 3802, 25}  # json, jsonb, text
    if all(a.name or (a.has_default and a.type_id in valid) for a in ins):
        return True
    if len(ins) == 1 and not ins[0].name:
        t = types.get(ins[0].type_id)
        if ins[0].type_id in valid or (t is not None and t.type_relation_id is not None):
            return True
    return False


_HELPERS = """
type DatabaseWithoutInternals = Omit<Database, "__InternalSupabase">

type DefaultSchema = DatabaseWithoutInternals[Extract<keyof Database, "{default}">]

export type Tables<
  DefaultSchemaTableNameOrOptions extends
    | keyof (DefaultSchema["Tables"] & DefaultSchema["Views"])
    | {{ schema: keyof DatabaseWithoutInternals }},
  TableName extends (DefaultSchemaTableNameOrOptions extends {{
    schema: keyof DatabaseWithoutInternals
  }}
    ? keyof (DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Tables"] &
        DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Views"])
    : never) = never,
> = DefaultSchemaTableNameOrOptions extends {{
  schema: keyof DatabaseWithoutInternals
}}
  ? (DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Tables"] &
      DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Views"])[TableName] extends {{
      Row: infer R
    }}
    ? R
    : never
  : DefaultSchemaTableNameOrOptions extends keyof (DefaultSchema["Tables"] &
        DefaultSchema["Views"])
    ? (DefaultSchema["Tables"] &
        DefaultSchema["Views"])[DefaultSchemaTableNameOrOptions] extends {{
        Row: infer R
      }}
      ? R
      : never
    : never

export type TablesInsert<
  DefaultSchemaTableNameOrOptions extends
    | keyof DefaultSchema["Tables"]
    | {{ schema: keyof DatabaseWithoutInternals }},
  TableName extends (DefaultSchemaTableNameOrOptions extends {{
    schema: keyof DatabaseWithoutInternals
  }}
    ? keyof DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Tables"]
    : never) = never,
> = DefaultSchemaTableNameOrOptions extends {{
  schema: keyof DatabaseWithoutInternals
}}
  ? DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Tables"][TableName] extends {{
      Insert: infer I
    }}
    ? I
    : never
  : DefaultSchemaTableNameOrOptions extends keyof DefaultSchema["Tables"]
    ? DefaultSchema["Tables"][DefaultSchemaTableNameOrOptions] extends {{
        Insert: infer I
      }}
      ? I
      : never
    : never

export type TablesUpdate<
  DefaultSchemaTableNameOrOptions extends
    | keyof DefaultSchema["Tables"]
    | {{ schema: keyof DatabaseWithoutInternals }},
  TableName extends (DefaultSchemaTableNameOrOptions extends {{
    schema: keyof DatabaseWithoutInternals
  }}
    ? keyof DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Tables"]
    : never) = never,
> = DefaultSchemaTableNameOrOptions extends {{
  schema: keyof DatabaseWithoutInternals
}}
  ? DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Tables"][TableName] extends {{
      Update: infer U
    }}
    ? U
    : never
  : DefaultSchemaTableNameOrOptions extends keyof DefaultSchema["Tables"]
    ? DefaultSchema["Tables"][DefaultSchemaTableNameOrOptions] extends {{
        Update: infer U
      }}
      ? U
      : never
    : never

export type Enums<
  DefaultSchemaEnumNameOrOptions extends
    | keyof DefaultSchema["Enums"]
    | {{ schema: keyof DatabaseWithoutInternals }},
  EnumName extends (DefaultSchemaEnumNameOrOptions extends {{
    schema: keyof DatabaseWithoutInternals
  }}
    ? keyof DatabaseWithoutInternals[DefaultSchemaEnumNameOrOptions["schema"]]["Enums"]
    : never) = never,
> = DefaultSchemaEnumNameOrOptions extends {{
  schema: keyof DatabaseWithoutInternals
}}
  ? DatabaseWithoutInternals[DefaultSchemaEnumNameOrOptions["schema"]]["Enums"][EnumName]
  : DefaultSchemaEnumNameOrOptions extends keyof DefaultSchema["Enums"]
    ? DefaultSchema["Enums"][DefaultSchemaEnumNameOrOptions]
    : never

export type CompositeTypes<
  PublicCompositeTypeNameOrOptions extends
    | keyof DefaultSchema["CompositeTypes"]
    | {{ schema: keyof DatabaseWithoutInternals }},
  CompositeTypeName extends (PublicCompositeTypeNameOrOptions extends {{
    schema: keyof DatabaseWithoutInternals
  }}
    ? keyof DatabaseWithoutInternals[PublicCompositeTypeNameOrOptions["schema"]]["CompositeTypes"]
    : never) = never,
> = PublicCompositeTypeNameOrOptions extends {{
  schema: keyof DatabaseWithoutInternals
}}
  ? DatabaseWithoutInternals[PublicCompositeTypeNameOrOptions["schema"]]["CompositeTypes"][CompositeTypeName]
  : PublicCompositeTypeNameOrOptions extends keyof DefaultSchema["CompositeTypes"]
    ? DefaultSchema["CompositeTypes"][PublicCompositeTypeNameOrOptions]
    : never
"""

_JSON = """export type Json =
  | string
  | number
  | boolean
  | null
  | { [key: string]: Json | undefined }
  | Json[]
"""


def render_typescript(meta: Metadata, *, postgrest_version: str | None = None) -> str:
    """The text ``supabase gen types typescript`` prints for ``meta``'s schemas."""
    r = _Render(meta)
    lines = [_JSON, "export type Database = {"]
    if postgrest_version:
        lines += [
            "  // Allows to automatically instantiate createClient with right options",
            "  // instead of createClient<Database, { PostgrestVersion: 'XX' }>(URL, KEY)",
            "  __InternalSupabase: {",
            f"    PostgrestVersion: {_str(postgrest_version)}",
            "  }",
        ]
    for schema in meta.schemas:
        rels = [x for x in meta.relations if x.schema == schema]
        tables = _sorted_by_name((x for x in rels if x.kind == "table"), lambda x: x.name)
        views = _sorted_by_name((x for x in rels if x.kind == "view"), lambda x: x.name)
        functions = _sorted_by_name(
            (f for f in meta.functions if f.schema == schema and _exposed(f, meta.types)),
            lambda f: f.name,
        )
        lines.append(f"  {_key(schema)}: {{")
        lines += r.tables(schema, tables, functions)
        lines += r.views(schema, views, functions)
        lines += r.functions(schema, functions)
        lines += r.enums(schema)
        lines += r.composite_types(schema)
        lines.append("  }")
    lines.append("}")
    if lines[-2:] == ["export type Database = {", "}"]:
        lines[-2:] = ["export type Database = {}"]  # how prettier prints an empty type
    lines.append(_HELPERS.format(default=DEFAULT_SCHEMA))
    lines.append("export const Constants = {")
    for schema in meta.schemas:
        lines += r.constants(schema)
    lines.append("} as const")
    if lines[-2:] == ["export const Constants = {", "} as const"]:
        lines[-2:] = ["export const Constants = {} as const"]
    text = "\n".join(lines) + "\n"
    # the CLI prints the formatter's output with console.log: one more newline
    return text + "\n"


async def generate(
    dsn: str, schemas: Sequence[str], *, postgrest_version: str | None = None
) -> str:
    conn = await asyncpg.connect(dsn)
    try:
        meta = await introspect(conn, schemas)
    finally:
        await conn.close()
    return render_typescript(meta, postgrest_version=postgrest_version)
