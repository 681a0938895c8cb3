-- wrk: every request books two seats through the gateway (the seed's booking).
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"qty": 2, "movieName": "soul", "seat": "1A,2B", "totalPrice": 10000}'
