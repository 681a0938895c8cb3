#pragma once
// The movie booking system's published language: the domain events its services exchange,
// named as in the seed. Each carries the fields of the aggregate that raised it and names its
// correlation key: the booking it belongs to.
#include "book/book.hpp"
#include "ticket/ticket.hpp"

namespace moviebooking {

using Booked = hexa::EventOf<Book, "Booked", "id">;              // paid and booked: status code 1
using BookCanceled = hexa::EventOf<Book, "BookCanceled", "id">;  // refunded and canceled: 9
using TicketPrinted = hexa::EventOf<Ticket, "TicketPrinted", "bookingId">;  // collected: 2

}  // namespace moviebooking
