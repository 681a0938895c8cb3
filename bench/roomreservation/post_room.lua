-- wrk: every request registers a new room through the gateway (rooms for the runs that follow).
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"roomType": "DERUX", "roomStatus": "EMPTY", "roomName": "BENCH ROOM", "roomQty": 10, "roomPrice": 1200000}'
