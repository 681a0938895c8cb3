#pragma once
// An Event as a Kafka record: key = the correlation key (so one business case stays on one
// partition, in order), value = the payload JSON unchanged (what the seeds' consumers read),
// and the rest of the envelope in headers "id", "type", "time" (epoch ms, decimal), "source".
// The topic is the record's topic. An empty key is sent as no key: librdkafka then spreads
// such records over the partitions, as no order was asked for.
#include <cstdint>

#include "hexa/events/event.hpp"
#include "hexa/events/kafka_client.hpp"

namespace hexa::kafka {

// Enqueues `e` on producer `rk` to `topic` (its name on the cluster; RD_KAFKA_MSG_F_COPY: `e`
// may go away at once). `opaque` comes back in the delivery report. Returns librdkafka's
// immediate verdict.
rd_kafka_resp_err_t produce(rd_kafka_t* rk, const Event& e, const std::string& topic, void* opaque);

// The Event of a consumed record of `topic` (the name the application knows). Headers it
// lacks (a record not written by hexa) stay empty.
Event decode(rd_kafka_message_t& message, const std::string& topic);

}  // namespace hexa::kafka
