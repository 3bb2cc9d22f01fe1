//! The little the storage needs of a SQL database, the same for SQLite and PostgreSQL: run a
//! statement with arguments, read rows of integers and text. The storage's queries are written
//! once, in the SQL both understand, with `?1`-style placeholders; [`Dialect`] names the few
//! places where the two differ.

use super::{Result, StorageError};

/// An argument of a statement, typed: PostgreSQL is told each argument's type with the query
/// (no round trip to prepare it first), and a NULL is a NULL of its column's type.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Arg<'a> {
    /// A 64-bit integer (every integer column is one), or NULL.
    Int(Option<i64>),
    /// Text, or NULL.
    Text(Option<&'a str>),
}

/// A value that can be a statement's argument.
pub(crate) trait ToArg {
    /// The argument.
    fn arg(&self) -> Arg<'_>;
}

macro_rules! integer_args {
    ($($t:ty),*) => {$(
        impl ToArg for $t {
            fn arg(&self) -> Arg<'_> {
                // Sequence numbers and sizes are stored as SQL integers, as they always were.
                Arg::Int(Some(*self as i64))
            }
        }
        impl ToArg for Option<$t> {
            fn arg(&self) -> Arg<'_> {
                Arg::Int(self.map(|v| v as i64))
            }
        }
    )*};
}
integer_args!(i64, u64, u32, u16);

impl ToArg for bool {
    fn arg(&self) -> Arg<'_> {
        Arg::Int(Some(i64::from(*self)))
    }
}

impl ToArg for str {
    fn arg(&self) -> Arg<'_> {
        Arg::Text(Some(self))
    }
}

impl ToArg for String {
    fn arg(&self) -> Arg<'_> {
        Arg::Text(Some(self))
    }
}

impl ToArg for Option<String> {
    fn arg(&self) -> Arg<'_> {
        Arg::Text(self.as_deref())
    }
}

impl ToArg for Option<&str> {
    fn arg(&self) -> Arg<'_> {
        Arg::Text(*self)
    }
}

impl ToArg for Option<&String> {
    fn arg(&self) -> Arg<'_> {
        Arg::Text(self.map(String::as_str))
    }
}

impl<T: ToArg + ?Sized> ToArg for &T {
    fn arg(&self) -> Arg<'_> {
        (**self).arg()
    }
}

impl ToArg for Box<dyn ToArg> {
    fn arg(&self) -> Arg<'_> {
        (**self).arg()
    }
}

/// A statement's arguments: `args![a, b]` for `?1`, `?2`.
macro_rules! args {
    ($($value:expr),* $(,)?) => { &[$(&$value as &dyn $crate::storage::sql::ToArg),*] as &[&dyn $crate::storage::sql::ToArg] };
}
pub(crate) use args;

/// A value read from a row.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Value {
    /// NULL.
    Null,
    /// An integer (PostgreSQL's booleans are read as 0 and 1, as SQLite stores them).
    Int(i64),
    /// Text.
    Text(String),
}

/// A type a column is read as.
pub(crate) trait FromValue: Sized {
    /// `value` as this type, or why it is not one.
    fn from_value(value: &Value) -> std::result::Result<Self, &'static str>;
}

impl FromValue for i64 {
    fn from_value(value: &Value) -> std::result::Result<Self, &'static str> {
        match value {
            Value::Int(v) => Ok(*v),
            _ => Err("an integer"),
        }
    }
}

macro_rules! narrow_integers {
    ($($t:ty),*) => {$(
        impl FromValue for $t {
            fn from_value(value: &Value) -> std::result::Result<Self, &'static str> {
                <$t>::try_from(i64::from_value(value)?).map_err(|_| concat!("an integer that fits ", stringify!($t)))
            }
        }
    )*};
}
narrow_integers!(u32, u16);

impl FromValue for u64 {
    fn from_value(value: &Value) -> std::result::Result<Self, &'static str> {
        // Stored from a u64 with `as i64`: read back the same way.
        Ok(i64::from_value(value)? as u64)
    }
}

impl FromValue for bool {
    fn from_value(value: &Value) -> std::result::Result<Self, &'static str> {
        Ok(i64::from_value(value)? != 0)
    }
}

impl FromValue for String {
    fn from_value(value: &Value) -> std::result::Result<Self, &'static str> {
        match value {
            Value::Text(v) => Ok(v.clone()),
            _ => Err("text"),
        }
    }
}

impl<T: FromValue> FromValue for Option<T> {
    fn from_value(value: &Value) -> std::result::Result<Self, &'static str> {
        match value {
            Value::Null => Ok(None),
            v => T::from_value(v).map(Some),
        }
    }
}

/// One row of a query's answer.
#[derive(Debug)]
pub(crate) struct Row(pub(crate) Vec<Value>);

impl Row {
    /// Column `index` (from 0) as a `T`.
    pub(crate) fn get<T: FromValue>(&self, index: usize) -> Result<T> {
        let value = self.0.get(index).ok_or_else(|| StorageError(format!("the query has no column {index}")))?;
        T::from_value(value).map_err(|expected| StorageError(format!("column {index} is not {expected}: {value:?}")))
    }
}

/// The SQL each database speaks where the two differ.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Dialect {
    /// SQLite.
    Sqlite,
    /// PostgreSQL.
    Postgres,
}

impl Dialect {
    /// ` INDEXED BY {index}` for SQLite, whose planner is told which index a query reads;
    /// nothing for PostgreSQL's, which chooses by the table's statistics.
    pub(crate) fn indexed_by(self, index: &str) -> String {
        match self {
            Dialect::Sqlite => format!(" INDEXED BY {index}"),
            Dialect::Postgres => String::new(),
        }
    }

    /// The position of `needle` in `haystack` (from 1; 0 when absent).
    pub(crate) fn position(self, haystack: &str, needle: &str) -> String {
        match self {
            Dialect::Sqlite => format!("instr({haystack}, {needle})"),
            Dialect::Postgres => format!("strpos({haystack}, {needle})"),
        }
    }

    /// `column` as a prefix search of any case compares it (SQLite's LIKE ignores the case of
    /// ASCII letters and reads a NOCASE index; PostgreSQL's compares `lower(column)`, which it
    /// has an index of), and the searched `prefix` to match.
    pub(crate) fn folded(self, column: &str, prefix: &str) -> (String, String) {
        match self {
            Dialect::Sqlite => (column.to_owned(), prefix.to_owned()),
            // `lower` under `COLLATE "C"` folds ASCII letters only: so does the prefix.
            Dialect::Postgres => (format!("lower({column})"), prefix.to_ascii_lowercase()),
        }
    }
}

/// A connection, or a transaction on one.
pub(crate) trait Sql {
    /// Runs `sql` with `args`; the number of rows it changed.
    fn execute(&mut self, sql: &str, args: &[&dyn ToArg]) -> Result<u64>;
    /// Runs `sql` with `args`; every row of its answer.
    fn query(&mut self, sql: &str, args: &[&dyn ToArg]) -> Result<Vec<Row>>;
    /// The database's dialect.
    fn dialect(&self) -> Dialect;
}

impl dyn Sql + '_ {
    /// The first row of `sql`'s answer, read by `read`; `None` when it has none.
    pub(crate) fn row<T>(&mut self, sql: &str, args: &[&dyn ToArg], read: impl FnOnce(&Row) -> Result<T>) -> Result<Option<T>> {
        self.query(sql, args)?.first().map(read).transpose()
    }

    /// The first row of `sql`'s answer, which has one (an aggregate's), read by `read`.
    pub(crate) fn one<T>(&mut self, sql: &str, args: &[&dyn ToArg], read: impl FnOnce(&Row) -> Result<T>) -> Result<T> {
        self.row(sql, args, read)?.ok_or_else(|| StorageError("the query answered no row".into()))
    }

    /// Every row of `sql`'s answer, each read by `read`.
    pub(crate) fn rows<T>(&mut self, sql: &str, args: &[&dyn ToArg], read: impl FnMut(&Row) -> Result<T>) -> Result<Vec<T>> {
        self.query(sql, args)?.iter().map(read).collect()
    }

    /// `count(*)`-like: the first column of the one row `sql` answers, as a count.
    pub(crate) fn count(&mut self, sql: &str, args: &[&dyn ToArg]) -> Result<u64> {
        self.one(sql, args, |row| Ok(row.get::<i64>(0)?.max(0) as u64))
    }
}
