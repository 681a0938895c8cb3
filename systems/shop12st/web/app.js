// 12번가: order a product (paid at once), watch the OrderStatus view follow it (coupon issued,
// delivery started), cancel. The stock form is the shop manager's.
import { LiveTable, act, api, button, currentUser, field, form, hasRole, shell, timing } from "./hexa.js";

shell({ title: "12번가 Shop", probe: "/orderStatuses?size=1", ready });

function ready(main) {
  const me = currentUser()?.name;
  const status = new LiveTable({
    collection: "orderStatuses",
    caption: "주문상태 OrderStatus",
    columns: [
      { key: "orderId", label: "주문 Order" },
      { key: "username", label: "고객 Customer" },
      { key: "productName", label: "상품 Product" },
      { key: "qty", label: "수량 Qty" },
      { key: "orderStatus", label: "상태 Status" },
      { key: "couponId", label: "쿠폰 Coupon" },
      { key: "couponKind", label: "쿠폰종류 Kind" },
      { key: "couponUseYn", label: "사용 Used" },
    ],
    sort: (a, b) => b.orderId - a.orderId,
    actions: (row) => /Canceled|outOfStock/i.test(row.orderStatus) ? [] : [button("취소 Cancel", `Cancel order ${row.orderId}`,
      () => cancel(row.orderId, status), { secondary: true })],
  });
  const order = form("주문 Order", [
    field("이름 Name", "username", { value: me || "HanYongSun", required: true, readonly: me ? true : undefined }),
    field("아이디 User id", "userId", { value: me || "u1", required: true }),
    field("주소 Address", "address", { value: "kyungkido sungnamsi", required: true }),
    field("전화 Phone", "phoneNo", { value: "01012341234", required: true }),
    field("상품번호 Product id", "productId", { value: "1", required: true }),
    field("상품명 Product name", "productName", { value: "ITbook", required: true }),
    field("가격 Price", "productPrice", { type: "number", min: 1, value: 10000, required: true }),
    field("수량 Quantity", "qty", { type: "number", min: 1, value: 1, required: true }),
  ], "주문하기 Order", async (v) => {
    timing.start("order → OrderStatus", status);
    const body = { ...v, productPrice: Number(v.productPrice), qty: Number(v.qty) };
    const created = await act("Ordering", () => api("POST", "/orders", body),
      (o) => `Order ${o.id} placed and paid; coupon and delivery follow below.`);
    if (created) status.refresh();
  });
  main.append(order);
  if (!me || hasRole("MANAGER")) main.append(stockForm());
  main.append(status.node);
  status.start();
}

function stockForm() {
  return form("재고 Stock (manager)", [
    field("상품번호 Product id", "productId", { value: "1", required: true }),
    field("상품명 Product name", "productName", { value: "ITbook", required: true }),
    field("재고 Units in stock", "stock", { type: "number", min: 0, value: 10, required: true }),
  ], "재고등록 Save stock", (v) => act("Stocking", () => api("POST", "/stocks", { ...v, stock: Number(v.stock) }),
    (s) => `Product ${s.productId}: ${s.stock} in stock.`));
}

async function cancel(id, status) {
  timing.start("cancel → OrderStatus", status);
  const done = await act("Cancelling", () => api("PATCH", `/orders/${id}`, { orderStatus: "orderCanceled" }),
    `Order ${id} cancelled; delivery and coupon are being cancelled.`);
  if (done) status.refresh();
}
