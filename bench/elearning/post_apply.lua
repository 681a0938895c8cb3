-- wrk: every request applies for a course through the gateway (the seed's siege body, numbers as strings).
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"studentId": "test123", "studentName": "부하테스트", "bookId": "bok123", "qty": "11", "amount": "2000", "address": "seoul"}'
