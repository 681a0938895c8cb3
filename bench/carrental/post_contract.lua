-- wrk: every request signs a new contract through the gateway.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"custName": "siege1", "modelName": "부하테스트", "amt": 150}'
