// Car rental: sign a contract (payment is taken with it), watch MyPage follow it from
// paid/reserved to cancelled, cancel. The seed's words: 계약, 마이페이지, 취소.
import { LiveTable, act, api, button, currentUser, field, form, shell, timing } from "./hexa.js";

shell({ title: "렌터카 Car rental", probe: "/myPages?size=1", ready });

function ready(main) {
  const me = currentUser()?.name;
  const myPage = new LiveTable({
    collection: "myPages",
    caption: "마이페이지 MyPage",
    columns: [
      { key: "contractId", label: "계약 Contract" },
      { key: "custName", label: "고객 Customer" },
      { key: "modelName", label: "모델 Model" },
      { key: "amt", label: "금액 Amount" },
      { key: "payStatus", label: "결제 Payment" },
      { key: "reservationStatus", label: "예약 Reservation" },
      { key: "status", label: "계약상태 Status" },
    ],
    sort: (a, b) => b.contractId - a.contractId,
    actions: (row) => row.status === "cancelled" ? [] : [button("취소 Cancel", `Cancel contract ${row.contractId}`,
      () => cancel(row.contractId, myPage), { secondary: true })],
  });
  const sign = form("계약 Sign a contract", [
    field("고객명 Customer name", "custName", { value: me || "고객1", required: true, readonly: me ? true : undefined }),
    field("차종 Car model", "modelName", { value: "쏘나타", required: true }),
    field("금액 Amount", "amt", { type: "number", min: 1, value: 100, required: true }),
  ], "계약하기 Sign", async (v) => {
    timing.start("sign → MyPage", myPage);
    const created = await act("Signing", () => api("POST", "/contracts", { ...v, amt: Number(v.amt) }),
      (c) => `Contract ${c.id} signed (${c.status}); payment and reservation follow on MyPage.`);
    if (created) myPage.refresh();
  });
  main.append(sign, myPage.node);
  myPage.start();
}

async function cancel(id, myPage) {
  timing.start("cancel → MyPage", myPage);
  const done = await act("Cancelling", () => api("PATCH", `/contracts/${id}`, { status: "cancelled" }),
    `Contract ${id} cancelled; payment and reservation are being cancelled.`);
  if (done) myPage.refresh();
}
