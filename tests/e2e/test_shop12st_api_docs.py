"""shop12st's OpenAPI documents served as committed, and Schemathesis finding no 5xx and no
answer off the document (api_docs.py)."""
from api_docs import system_fixture, test_each_service_serves_the_committed_openapi_document, \
    test_fuzzing_from_the_document_finds_no_server_error  # noqa: F401 (collected by pytest)

system = system_fixture("shop12st")
