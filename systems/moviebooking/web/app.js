// 영화 예매: book seats (paid at once), see MyPage's status codes (1 예매 booked, 2 발권 ticket
// printed, 9 취소 cancelled), cancel until the ticket is printed; the cinema's print screen.
import { LiveTable, act, api, button, currentUser, field, form, hasRole, shell, timing } from "./hexa.js";

shell({ title: "영화 예매 Movie booking", probe: "/mypages?size=1", ready });

const CODES = { 1: "1 예매 booked", 2: "2 발권 printed", 9: "9 취소 cancelled" };

function ready(main) {
  const me = currentUser()?.name;
  const myPage = new LiveTable({
    collection: "mypages",
    caption: "마이페이지 MyPage",
    columns: [
      { key: "bookingId", label: "예매 Booking" },
      { key: "movieName", label: "영화 Movie" },
      { key: "seat", label: "좌석 Seats" },
      { key: "qty", label: "인원 Qty" },
      { key: "totalPrice", label: "금액 Price" },
      { key: "statusCode", label: "상태코드 Code", format: (c) => CODES[c] || String(c ?? "—") },
    ],
    sort: (a, b) => b.bookingId - a.bookingId,
    actions: (row) => row.statusCode !== 1 ? [] : [button("취소 Cancel", `Cancel booking ${row.bookingId}`,
      () => cancel(row.bookingId, myPage), { secondary: true })],
  });
  const book = form("예매 Book seats", [
    field("영화 Movie", "movieName", { value: "soul", required: true }),
    field("좌석 Seats (e.g. 1A,2B)", "seat", { value: "1A,2B", required: true }),
    field("인원 Quantity", "qty", { type: "number", min: 1, value: 2, required: true }),
    field("금액 Total price", "totalPrice", { type: "number", min: 1, value: 10000, required: true }),
  ], "예매하기 Book", async (v) => {
    timing.start("book → MyPage", myPage);
    const body = { ...v, qty: Number(v.qty), totalPrice: Number(v.totalPrice) };
    const created = await act("Booking", () => api("POST", "/books", body),
      (b) => `Booking ${b.id} paid (${b.status}); the ticket waits at the cinema.`);
    if (created) myPage.refresh();
  });
  main.append(book, myPage.node);
  myPage.start();
  if (!me || hasRole("MANAGER")) {
    const tickets = printScreen(myPage);
    main.append(tickets.node);
    tickets.start();
  }
}

// The cinema's screen: each waiting ticket printed on the customer's arrival.
function printScreen(myPage) {
  const tickets = new LiveTable({
    collection: "tickets",
    caption: "발권 Cinema: print tickets",
    columns: [
      { key: "id", label: "티켓 Ticket" },
      { key: "bookingId", label: "예매 Booking" },
      { key: "movieName", label: "영화 Movie" },
      { key: "seat", label: "좌석 Seats" },
      { key: "status", label: "상태 Status" },
    ],
    actions: (row) => row.status !== "Waiting" ? [] : [button("발권 Print", `Print ticket ${row.id}`, async () => {
      timing.start("print → MyPage", myPage);
      const done = await act("Printing", () => api("PATCH", `/tickets/${row.id}`, { status: "Printed" }),
        `Ticket ${row.id} printed.`);
      if (done) tickets.refresh();
    })],
  });
  return tickets;
}

async function cancel(id, myPage) {
  timing.start("cancel → MyPage", myPage);
  const done = await act("Cancelling", () => api("PATCH", `/books/${id}`, { status: "Canceled" }),
    `Booking ${id} cancelled; the payment is refunded.`);
  if (done) myPage.refresh();
}
