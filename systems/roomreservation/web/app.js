// 숙소 예약: the rooms from RoomInfo, reserve one, pay, cancel; the lodging manager registers
// rooms and checks guests out (the manager role under `secure`).
import { LiveTable, act, api, button, currentUser, field, form, hasRole, shell, timing } from "./hexa.js";

shell({ title: "숙소 예약 Room reservation", probe: "/roomInfoes?size=1", ready });

function ready(main) {
  const me = currentUser()?.name;
  const manager = !me || hasRole("MANAGER");
  const customer = !me || !hasRole("MANAGER");
  const who = form("예약자 Guest", [
    field("이름 Customer name", "customerName", { value: me || "PARK CHANG SEON", required: true, readonly: me ? true : undefined }),
    field("고객번호 Customer id", "customerId", { type: "number", value: 9805, required: true }),
  ], "확인 OK", () => {});
  const guest = () => Object.fromEntries(new FormData(who));
  const reservations = new LiveTable({
    collection: "reservations",
    caption: "예약 Reservations",
    columns: [
      { key: "reservationNumber", label: "예약번호 Number" },
      { key: "roomNumber", label: "객실 Room" },
      { key: "customerName", label: "예약자 Guest" },
      { key: "paymentPrice", label: "금액 Price" },
      { key: "reserveStatus", label: "상태 Status" },
    ],
    sort: (a, b) => b.reservationNumber - a.reservationNumber,
    actions: (row) => reservationActions(row, reservations, { manager, customer }),
  });
  const rooms = new LiveTable({
    collection: "roomInfoes",
    caption: "객실 Rooms (RoomInfo)",
    columns: [
      { key: "roomNumber", label: "객실 Room" },
      { key: "roomName", label: "이름 Name" },
      { key: "roomType", label: "종류 Type" },
      { key: "roomPrice", label: "가격 Price" },
      { key: "roomStatus", label: "상태 Status" },
      { key: "reserveStatus", label: "예약상태 Reservation" },
    ],
    sort: (a, b) => b.roomNumber - a.roomNumber,
    actions: (row) => !customer || row.roomStatus !== "EMPTY" ? [] : [button("예약 Reserve", `Reserve room ${row.roomNumber}`,
      () => reserve(row, guest(), reservations))],
  });
  if (customer) main.append(who);
  if (manager) main.append(registerForm(rooms));
  main.append(rooms.node, reservations.node);
  rooms.start();
  reservations.start();
}

function registerForm(rooms) {
  return form("객실 등록 Register a room (manager)", [
    field("객실 이름 Room name", "roomName", { value: "DERUX ROOM", required: true }),
    field("종류 Room type", "roomType", { value: "DERUX", required: true }),
    field("수용 Room capacity", "roomQty", { type: "number", min: 1, value: 10, required: true }),
    field("가격 Room price", "roomPrice", { type: "number", min: 1, value: 120000, required: true }),
  ], "등록 Register", async (v) => {
    timing.start("register → RoomInfo", rooms);
    const body = { ...v, roomStatus: "EMPTY", roomQty: Number(v.roomQty), roomPrice: Number(v.roomPrice) };
    const created = await act("Registering", () => api("POST", "/rooms", body),
      (r) => `Room ${r.roomNumber} registered; it shows in RoomInfo once announced.`);
    if (created) rooms.refresh();
  });
}

function reservationActions(row, reservations, { manager, customer }) {
  const s = row.reserveStatus;
  const to = (text, status, label, done) => button(text, `${label} reservation ${row.reservationNumber}`,
    () => change(row.reservationNumber, status, reservations, done), { secondary: status !== "payment" });
  return [
    customer && s === "reserve" ? to("결제 Pay", "payment", "Pay", "paid") : null,
    customer && (s === "reserve" || s === "paymentComp") ? to("취소 Cancel", "cancel", "Cancel", "cancelled") : null,
    manager && s === "paymentComp" ? to("퇴실 Check out", "checkOut", "Check out", "checked out") : null,
  ].filter(Boolean);
}

async function reserve(room, guest, reservations) {
  timing.start("reserve → Reservations", reservations);
  const body = { customerName: guest.customerName, customerId: Number(guest.customerId), reserveStatus: "reserve",
    roomNumber: room.roomNumber, paymentPrice: room.roomPrice };
  const created = await act("Reserving", () => api("POST", "/reservations", body),
    (r) => `Reservation ${r.reservationNumber} for room ${r.roomNumber}: please pay to confirm it.`);
  if (created) reservations.refresh();
}

async function change(number, status, reservations, done) {
  timing.start(`${status} → Reservations`, reservations);
  const res = await act("Updating", () => api("PATCH", `/reservations/${number}`, { reserveStatus: status }),
    `Reservation ${number} ${done}.`);
  if (res) reservations.refresh();
}
