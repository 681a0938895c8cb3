#include "hexa/store/postgres_connection.hpp"

#include <charconv>

#include "hexa/model/errors.hpp"

namespace hexa::pg {

namespace {

// SQL built from varying where-lists must not grow a connection's statements forever.
constexpr std::size_t kMaxStatements = 256;

std::optional<std::string> param_text(const Value& v) {
  if (is_null(v)) return std::nullopt;
  if (const auto* i = std::get_if<std::int64_t>(&v)) return std::to_string(*i);
  if (const auto* b = std::get_if<bool>(&v)) return *b ? "t" : "f";
  if (const auto* t = std::get_if<Timestamp>(&v)) return std::to_string(t->epoch_ms());
  if (const auto* d = std::get_if<Decimal>(&v)) return d->text();
  if (const auto* d = std::get_if<double>(&v)) {
    char buffer[32];  // shortest text that reads back as the same double
    const auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, *d);
    return std::string(buffer, ec == std::errc{} ? end : buffer);
  }
  return std::get<std::string>(v);
}

template <class T>
T parse_number(std::string_view text) {
  T value{};
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || ptr != text.data() + text.size())
    throw Error(500, "PostgreSQL sent '" + std::string(text) + "' where a number was expected");
  return value;
}

std::string field(const PGresult* r, int code) {
  const char* text = r ? PQresultErrorField(r, code) : nullptr;
  return text ? text : "";
}

}  // namespace

void raise_error(std::string_view sqlstate, std::string message) {
  const auto cls = sqlstate.substr(0, 2);
  if (cls == "23") throw Conflict(std::move(message));
  if (cls == "22") throw Invalid(std::move(message));
  if (sqlstate.empty() || cls == "08" || cls == "53" || cls == "57" || cls == "40" ||
      sqlstate == "55P03")
    throw Unavailable(std::move(message));
  throw Error(500, std::move(message));
}

std::string_view Result::text(int row, int column) const {
  return {PQgetvalue(r_.get(), row, column),
          static_cast<std::size_t>(PQgetlength(r_.get(), row, column))};
}

std::int64_t Result::integer(int row, int column) const {
  return parse_number<std::int64_t>(text(row, column));
}

Value Result::value(int row, int column, Kind kind) const {
  if (is_null(row, column)) return std::monostate{};
  const auto t = text(row, column);
  switch (kind) {
    case Kind::Integer: return parse_number<std::int64_t>(t);
    case Kind::Real: return parse_number<double>(t);  // also reads Infinity and NaN
    case Kind::Boolean: return t == "t";
    case Kind::Timestamp: return Timestamp(parse_number<std::int64_t>(t));
    case Kind::Decimal:
      if (auto d = Decimal::parse(t)) return *d;
      throw Error(500, "PostgreSQL sent '" + std::string(t) + "' where a decimal was expected");
    case Kind::Text: break;
  }
  return std::string(t);
}

std::int64_t Result::affected() const {
  const std::string_view n = PQcmdTuples(r_.get());
  return n.empty() ? 0 : parse_number<std::int64_t>(n);
}

Connection::Connection(const Keywords& keywords) {
  std::vector<const char*> keys, values;
  for (const auto& [k, v] : keywords) {
    keys.push_back(k.c_str());
    values.push_back(v.c_str());
  }
  keys.push_back(nullptr);
  values.push_back(nullptr);
  conn_.reset(PQconnectdbParams(keys.data(), values.data(), 0));
  if (!conn_) throw Unavailable("PostgreSQL: out of memory while connecting");
  if (broken()) throw Unavailable(std::string("PostgreSQL: ") + PQerrorMessage(conn_.get()));
  // "relation already exists, skipping" and other notices are expected; libpq would print
  // each one on stderr.
  PQsetNoticeProcessor(conn_.get(), [](void*, const char*) {}, nullptr);
}

void Connection::fail(const PGresult* r, std::string_view what) const {
  std::string message = field(r, PG_DIAG_MESSAGE_PRIMARY);
  if (message.empty()) message = PQerrorMessage(conn_.get());
  if (auto detail = field(r, PG_DIAG_MESSAGE_DETAIL); !detail.empty()) message += " (" + detail + ")";
  raise_error(field(r, PG_DIAG_SQLSTATE), std::string(what) + ": " + message);
}

void Connection::exec(const std::string& sql) {
  const std::unique_ptr<PGresult, ClearResult> r(PQexec(conn_.get(), sql.c_str()));
  const auto status = r ? PQresultStatus(r.get()) : PGRES_FATAL_ERROR;
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) fail(r.get(), sql);
}

const std::string& Connection::prepared(const std::string& sql, int params) {
  if (const auto it = statements_.find(sql); it != statements_.end()) return it->second;
  if (statements_.size() >= kMaxStatements) {
    exec("DEALLOCATE ALL");
    statements_.clear();
  }
  std::string name = "hexa_" + std::to_string(++next_statement_);
  const std::unique_ptr<PGresult, ClearResult> r(
      PQprepare(conn_.get(), name.c_str(), sql.c_str(), params, nullptr));
  if (!r || PQresultStatus(r.get()) != PGRES_COMMAND_OK) fail(r.get(), "prepare " + sql);
  return statements_.emplace(sql, std::move(name)).first->second;
}

Result Connection::run(const std::string& sql, const std::vector<Value>& params) {
  const auto& name = prepared(sql, static_cast<int>(params.size()));
  std::vector<std::optional<std::string>> texts;
  texts.reserve(params.size());
  for (const auto& p : params) texts.push_back(param_text(p));
  std::vector<const char*> values;
  for (const auto& t : texts) values.push_back(t ? t->c_str() : nullptr);
  std::unique_ptr<PGresult, ClearResult> r(PQexecPrepared(
      conn_.get(), name.c_str(), static_cast<int>(values.size()), values.data(), nullptr, nullptr, 0));
  const auto status = r ? PQresultStatus(r.get()) : PGRES_FATAL_ERROR;
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) fail(r.get(), sql);
  return Result(std::move(r));
}

bool Connection::recycle() noexcept {
  return !broken() && transaction_status() == PQTRANS_IDLE;
}

}  // namespace hexa::pg
