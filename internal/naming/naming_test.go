package naming

import "testing"

func TestPascal(t *testing.T) {
	tests := map[string]string{
		"user_id": "UserID", "api_key": "APIKey", "url": "URL", "OrderItem": "OrderItem",
		"unit_price": "UnitPrice", "http_server": "HTTPServer", "id": "ID", "select": "Select",
		"released_on": "ReleasedOn", "weight_kg": "WeightKg", "HTTPServer": "HTTPServer",
	}
	for in, want := range tests {
		if got := Pascal(in); got != want {
			t.Errorf("Pascal(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestCamel(t *testing.T) {
	tests := map[string]string{
		"user_id": "userID", "id": "id", "URLPath": "urlPath", "type": "type_",
		"OrderItem": "orderItem", "len": "len_", "select": "select_",
	}
	for in, want := range tests {
		if got := Camel(in); got != want {
			t.Errorf("Camel(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestSnakeKebab(t *testing.T) {
	if got := Snake("OrderItem"); got != "order_item" {
		t.Errorf("Snake = %q", got)
	}
	if got := Kebab("order_items"); got != "order-items" {
		t.Errorf("Kebab = %q", got)
	}
}

func TestPlural(t *testing.T) {
	tests := map[string]string{
		"Person": "people", "Status": "statuses", "Child": "children", "Address": "addresses",
		"OrderItem": "order_items", "Category": "categories", "Day": "days", "Box": "boxes",
		"Order": "orders", "Tag": "tags", "Group": "groups", "Key": "keys", "Church": "churches",
	}
	for in, want := range tests {
		if got := Plural(in); got != want {
			t.Errorf("Plural(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestSingular(t *testing.T) {
	tests := map[string]string{
		"people": "person", "statuses": "status", "children": "child", "addresses": "address",
		"order_items": "order_item", "categories": "category", "boxes": "box", "tags": "tag",
		"status": "status", "address": "address", "analysis": "analysis", "campus": "campus",
		"news": "news", "product": "product",
	}
	for in, want := range tests {
		if got := Singular(in); got != want {
			t.Errorf("Singular(%q) = %q, want %q", in, got, want)
		}
	}
}
