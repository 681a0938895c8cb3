-- wrk: every request places a new order through the gateway (stock is plentiful).
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"username": "siege1", "userId": "u1", "address": "부하테스트", "phoneNo": "01012341234", ' ..
           '"productId": "bench", "productName": "ITbook", "productPrice": 10000, "qty": 1}'
