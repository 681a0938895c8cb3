-- wrk: every request applies for a course through the gateway (the seed's siege body, numbers as
-- strings, with the names and address a cancel later PUTs back unchanged).
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"studentId": "test123", "studentName": "부하테스트", "bookId": "bok123", "bookName": "book001", "qty": "11", "amount": "2000", "address": "seoul"}'
