// 이러닝: apply for a course (paid at once, the textbook delivered), see MyPage, cancel (the
// seed PUTs the whole application with applyStatus=cancelled).
import { LiveTable, act, api, button, currentUser, field, form, shell, timing } from "./hexa.js";

shell({ title: "이러닝 E-learning", probe: "/myPages?size=1", ready });

function ready(main) {
  const me = currentUser()?.name;
  const myPage = new LiveTable({
    collection: "myPages",
    caption: "마이페이지 MyPage",
    columns: [
      { key: "applyId", label: "신청 Application" },
      { key: "studentName", label: "학생 Student" },
      { key: "bookName", label: "교재 Book" },
      { key: "qty", label: "수량 Qty" },
      { key: "amount", label: "금액 Amount" },
      { key: "applyStatus", label: "신청상태 Apply" },
      { key: "payStatus", label: "결제 Payment" },
      { key: "deliveryStatus", label: "배송 Delivery" },
    ],
    sort: (a, b) => b.applyId - a.applyId,
    actions: (row) => row.applyStatus === "cancelled" ? [] : [button("취소 Cancel", `Cancel application ${row.applyId}`,
      () => cancel(row.applyId, myPage), { secondary: true })],
  });
  const apply = form("수강신청 Apply", [
    field("학생 아이디 Student id", "studentId", { value: me || "student1", required: true, readonly: me ? true : undefined }),
    field("학생 이름 Student name", "studentName", { value: "홍길동", required: true }),
    field("교재 번호 Book id", "bookId", { value: "001", required: true }),
    field("교재 Book name", "bookName", { value: "book001", required: true }),
    field("수량 Quantity", "qty", { type: "number", min: 1, value: 10, required: true }),
    field("금액 Amount", "amount", { type: "number", min: 1, step: "any", value: 1000, required: true }),
    field("주소 Address", "address", { value: "seoul", required: true }),
  ], "신청하기 Apply", async (v) => {
    timing.start("apply → MyPage", myPage);
    const body = { ...v, qty: Number(v.qty), amount: Number(v.amount), applyStatus: "completed" };
    const created = await act("Applying", () => api("POST", "/applies", body),
      (a) => `Application ${a.id} completed; payment and delivery follow on MyPage.`);
    if (created) myPage.refresh();
  });
  main.append(apply, myPage.node);
  myPage.start();
}

async function cancel(id, myPage) {
  timing.start("cancel → MyPage", myPage);
  const done = await act("Cancelling", async () => {
    const { id: _id, _links, ...item } = await api("GET", `/applies/${id}`);
    return api("PUT", `/applies/${id}`, { ...item, applyStatus: "cancelled" });
  }, `Application ${id} cancelled; payment and delivery are being cancelled.`);
  if (done) myPage.refresh();
}
