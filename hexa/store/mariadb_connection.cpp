#include "hexa/store/mariadb_connection.hpp"

#include <errmsg.h>
#include <mysqld_error.h>

#include <stdexcept>

namespace hexa::maria {

namespace {

// SQL built from varying where-lists must not grow a connection's statements forever.
constexpr std::size_t kMaxStatements = 256;

// The client library initialises itself lazily in mysql_init, which is not thread-safe; pool
// threads may open their first connections together, so it is done once here.
void init_library() {
  static const int rc = mysql_library_init(0, nullptr, nullptr);
  if (rc != 0) throw Unavailable("the MariaDB client library failed to initialise");
}

// The connection is gone or in an unknown state: it must not be reused.
bool breaks_connection(unsigned code) {
  return (code >= CR_MIN_ERROR && code <= CR_MAX_ERROR) || code == ER_SERVER_SHUTDOWN ||
         code == ER_CONNECTION_KILLED || code == 4031 /* closed after inactivity */;
}

// Storage for one typed parameter or result column.
struct Scalar {
  long long integer = 0;
  double real = 0;
  signed char boolean = 0;
  unsigned long length = 0;
  my_bool null = 0;
};

void bind_param(MYSQL_BIND& b, Scalar& storage, const Value& v) {
  if (is_null(v)) {
    b.buffer_type = MYSQL_TYPE_NULL;
  } else if (const auto* t = std::get_if<Timestamp>(&v)) {
    storage.integer = t->epoch_ms();
    b.buffer_type = MYSQL_TYPE_LONGLONG;
    b.buffer = &storage.integer;
  } else if (const auto* i = std::get_if<std::int64_t>(&v)) {
    storage.integer = *i;
    b.buffer_type = MYSQL_TYPE_LONGLONG;
    b.buffer = &storage.integer;
  } else if (const auto* d = std::get_if<double>(&v)) {
    storage.real = *d;
    b.buffer_type = MYSQL_TYPE_DOUBLE;
    b.buffer = &storage.real;
  } else if (const auto* flag = std::get_if<bool>(&v)) {
    storage.boolean = *flag ? 1 : 0;
    b.buffer_type = MYSQL_TYPE_TINY;
    b.buffer = &storage.boolean;
  } else {
    const auto* decimal = std::get_if<Decimal>(&v);
    const auto& text = decimal ? decimal->text() : std::get<std::string>(v);
    b.buffer_type = MYSQL_TYPE_STRING;
    b.buffer = const_cast<char*>(text.data());  // only read: the API is not const-correct
    b.buffer_length = text.size();
  }
}

Value text_value(Kind kind, std::string text) {
  if (kind == Kind::Decimal)
    if (auto d = Decimal::parse(text)) return *d;
  return text;
}

void bind_result(MYSQL_BIND& b, Scalar& storage, Kind kind) {
  b.is_null = &storage.null;
  b.length = &storage.length;
  switch (kind) {
    case Kind::Integer:
    case Kind::Timestamp:  // epoch ms
    case Kind::Boolean:    // TINYINT(1)
      b.buffer_type = MYSQL_TYPE_LONGLONG;
      b.buffer = &storage.integer;
      return;
    case Kind::Real:
      b.buffer_type = MYSQL_TYPE_DOUBLE;
      b.buffer = &storage.real;
      return;
    case Kind::Text:
    case Kind::Decimal:
      // No buffer: fetch() learns the length, then reads the column at its full size.
      b.buffer_type = MYSQL_TYPE_STRING;
      return;
  }
}

}  // namespace

void raise_error(unsigned code, std::string message) {
  switch (code) {
    case ER_DUP_ENTRY:
    case ER_DUP_ENTRY_WITH_KEY_NAME:
    case ER_BAD_NULL_ERROR:
    case ER_ROW_IS_REFERENCED_2:
    case ER_NO_REFERENCED_ROW_2:
      throw Conflict(std::move(message));
    case ER_DATA_TOO_LONG:
    case ER_WARN_DATA_OUT_OF_RANGE:
    case ER_TRUNCATED_WRONG_VALUE:
    case ER_TRUNCATED_WRONG_VALUE_FOR_FIELD:
    case WARN_DATA_TRUNCATED:
      throw Invalid(std::move(message));
    case ER_LOCK_WAIT_TIMEOUT:
    case ER_LOCK_DEADLOCK:
    case ER_CON_COUNT_ERROR:
    case ER_TOO_MANY_USER_CONNECTIONS:
    case ER_QUERY_INTERRUPTED:
      throw Unavailable(std::move(message));
    default:
      if (breaks_connection(code)) throw Unavailable(std::move(message));
      throw Error(500, std::move(message));
  }
}

Statement::~Statement() {
  if (s_) mysql_stmt_free_result(s_);
}

void Statement::fail(std::string_view what) {
  const unsigned code = mysql_stmt_errno(s_);
  if (breaks_connection(code)) c_->mark_broken();
  raise_error(code, std::string(what) + ": " + mysql_stmt_error(s_));
}

Statement& Statement::execute(const std::vector<Value>& params) {
  if (mysql_stmt_param_count(s_) != params.size())
    throw std::logic_error("a statement got the wrong number of parameters");
  std::vector<MYSQL_BIND> binds(params.size());
  std::vector<Scalar> storage(params.size());
  for (std::size_t i = 0; i < params.size(); ++i) bind_param(binds[i], storage[i], params[i]);
  if (!binds.empty() && mysql_stmt_bind_param(s_, binds.data())) fail("bind");
  if (mysql_stmt_execute(s_)) fail("execute");
  if (mysql_stmt_field_count(s_) > 0 && mysql_stmt_store_result(s_)) fail("read rows");
  return *this;
}

bool Statement::fetch(const std::vector<Kind>& kinds, std::vector<Value>& row) {
  if (mysql_stmt_field_count(s_) != kinds.size())
    throw std::logic_error("a statement's columns do not match the kinds asked for");
  std::vector<MYSQL_BIND> binds(kinds.size());
  std::vector<Scalar> storage(kinds.size());
  for (std::size_t i = 0; i < kinds.size(); ++i) bind_result(binds[i], storage[i], kinds[i]);
  if (mysql_stmt_bind_result(s_, binds.data())) fail("bind result");
  const int rc = mysql_stmt_fetch(s_);
  if (rc == MYSQL_NO_DATA) return false;
  if (rc != 0 && rc != MYSQL_DATA_TRUNCATED) fail("fetch");  // text columns always "truncate"
  row.clear();
  for (std::size_t i = 0; i < kinds.size(); ++i) {
    const auto& s = storage[i];
    if (s.null) {
      row.emplace_back(std::monostate{});
    } else if (kinds[i] == Kind::Integer) {
      row.emplace_back(static_cast<std::int64_t>(s.integer));
    } else if (kinds[i] == Kind::Timestamp) {
      row.emplace_back(Timestamp(s.integer));
    } else if (kinds[i] == Kind::Boolean) {
      row.emplace_back(s.integer != 0);
    } else if (kinds[i] == Kind::Real) {
      row.emplace_back(s.real);
    } else {
      std::string text(s.length, '\0');
      MYSQL_BIND column{};
      column.buffer_type = MYSQL_TYPE_STRING;
      column.buffer = text.data();
      column.buffer_length = text.size();
      if (!text.empty() && mysql_stmt_fetch_column(s_, &column, static_cast<unsigned>(i), 0))
        fail("fetch text");
      row.emplace_back(text_value(kinds[i], std::move(text)));
    }
  }
  return true;
}

Connection::Connection(const ConnectOptions& o) {
  init_library();
  m_.reset(mysql_init(nullptr));
  if (!m_) throw Unavailable("MariaDB: out of memory while connecting");
  MYSQL* m = m_.get();
  const my_bool no = 0;
  mysql_optionsv(m, MYSQL_SET_CHARSET_NAME, "utf8mb4");
  mysql_optionsv(m, MYSQL_OPT_CONNECT_TIMEOUT, &o.connect_timeout_s);
  // A silent reconnect would lose the transaction and the prepared statements: the pool
  // replaces broken connections instead.
  mysql_optionsv(m, MYSQL_OPT_RECONNECT, &no);
  const auto or_null = [](const std::string& s) { return s.empty() ? nullptr : s.c_str(); };
  // FOUND_ROWS: an UPDATE that matches a row but changes nothing still counts it, as in SQLite.
  if (!mysql_real_connect(m, o.host.c_str(), or_null(o.user), or_null(o.password),
                          or_null(o.database), o.port, or_null(o.unix_socket), CLIENT_FOUND_ROWS)) {
    throw ConnectFailed(mysql_errno(m), std::string("MariaDB: ") + mysql_error(m));
  }
  // Strict: bad or too long values are errors, not silently changed. utf8mb4_bin: text
  // compares by code point, as in SQLite and PostgreSQL with collation "C".
  exec("SET SESSION sql_mode = 'STRICT_ALL_TABLES,NO_ZERO_DATE,NO_ZERO_IN_DATE,"
       "ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION', collation_connection = 'utf8mb4_bin',"
       " innodb_lock_wait_timeout = " + std::to_string(o.lock_timeout_s));
  exec("SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED");
}

void Connection::fail(std::string_view what) {
  const unsigned code = mysql_errno(m_.get());
  if (breaks_connection(code)) broken_ = true;
  raise_error(code, std::string(what) + ": " + mysql_error(m_.get()));
}

void Connection::exec(const std::string& sql) {
  if (mysql_real_query(m_.get(), sql.data(), sql.size())) fail(sql);
  if (MYSQL_RES* rows = mysql_store_result(m_.get())) mysql_free_result(rows);
  else if (mysql_field_count(m_.get()) != 0) fail(sql);
}

Statement Connection::prepare(const std::string& sql) {
  auto it = statements_.find(sql);
  if (it == statements_.end()) {
    std::unique_ptr<MYSQL_STMT, CloseStatement> s(mysql_stmt_init(m_.get()));
    if (!s) fail("prepare " + sql);
    if (mysql_stmt_prepare(s.get(), sql.data(), sql.size())) {
      const unsigned code = mysql_stmt_errno(s.get());
      if (breaks_connection(code)) broken_ = true;
      raise_error(code, "prepare " + sql + ": " + mysql_stmt_error(s.get()));
    }
    it = statements_.emplace(sql, std::move(s)).first;
  }
  return Statement(*this, it->second.get());
}

bool Connection::in_transaction() const {
  unsigned int status = 0;
  mariadb_get_infov(m_.get(), MARIADB_CONNECTION_SERVER_STATUS, &status);
  return (status & SERVER_STATUS_IN_TRANS) != 0;
}

bool Connection::recycle() noexcept {
  if (broken_ || in_transaction()) return false;
  if (statements_.size() > kMaxStatements) statements_.clear();  // none is in use now
  return true;
}

}  // namespace hexa::maria
