// The HorizontalPodAutoscaler's arithmetic as the launcher applies it (autoscaler.hpp).
#include <gtest/gtest.h>

#include "hexa/launcher/autoscaler.hpp"

namespace {

using hexa::launcher::Autoscale;
using hexa::launcher::recommended_replicas;

TEST(Autoscale, RecommendsReplicasInProportionToCpuOverTheTarget) {
  const Autoscale payment{1, 10, 15};  // the seeds' payment: 1-10 at 15%
  EXPECT_EQ(recommended_replicas(1, 60, payment), 4);
  EXPECT_EQ(recommended_replicas(4, 15, payment), 4);
  EXPECT_EQ(recommended_replicas(4, 3, payment), 1);
  EXPECT_EQ(recommended_replicas(2, 100, payment), 10);  // never above max
  EXPECT_EQ(recommended_replicas(3, 0, payment), 1);     // never below min
}

TEST(Autoscale, WithinTenPercentOfTheTargetNothingChanges) {
  const Autoscale apply{1, 5, 50};
  EXPECT_EQ(recommended_replicas(2, 54, apply), 2);
  EXPECT_EQ(recommended_replicas(2, 46, apply), 2);
  EXPECT_EQ(recommended_replicas(2, 56, apply), 3);
  EXPECT_EQ(recommended_replicas(2, 44, apply), 2);  // ceil(1.76)
  EXPECT_EQ(recommended_replicas(2, 20, apply), 1);
}

}  // namespace
