#pragma once
// OpenAPI 3.1 of a service, from its self-description (hexa/runtime/description.hpp): one
// path per served resource and view with the methods it allows, finders, paging and sorting,
// the fields with their types and rules (required, minimum/maximum, enum, readOnly), PATCH
// commands, Spring Data REST's item and collection shapes (_links, _embedded, page) and
// Spring Boot's error JSON. Served at GET /v3/api-docs, as springdoc does, and written under
// docs/<system>/ by `hexa describe`.
#include "hexa/rest/exact_json.hpp"
#include "hexa/runtime/router.hpp"

namespace hexa::docs {

rest::Json openapi(const rest::Json& description);

// GET /v3/api-docs: the document, made once.
RouteHandler api_docs_route(const rest::Json& description);

}  // namespace hexa::docs
