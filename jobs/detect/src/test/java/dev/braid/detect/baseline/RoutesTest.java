package dev.braid.detect.baseline;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RoutesTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "https://shop.example.com/api/orders/1234?expand=items | shop.example.com/api/orders/{id}",
            "https://shop.example.com/api/orders/99#top              | shop.example.com/api/orders/{id}",
            "http://localhost:3000/users/3f2b8c1e-9d4a-4b6e-8f1a-2c3d4e5f6a7b/cart | localhost:3000/users/{uuid}/cart",
            "https://cdn.example.com/assets/app.9f86d081884c7d65.js   | cdn.example.com/assets/app.9f86d081884c7d65.js",
            "https://cdn.example.com/blobs/9f86d081884c7d659a2feaa0c55ad015 | cdn.example.com/blobs/{hash}",
            "https://api.example.com/share/aZ3kP9qL2mN8xR4tV7wY1b/view | api.example.com/share/{token}/view",
            "/api/checkout                                           | /api/checkout",
            "https://shop.example.com                                | shop.example.com/",
            "/search?q=a b                                           | /search",
    })
    void pagesAreTheHostAndTheRouteTemplate(String url, String page) {
        assertThat(Routes.of(url).page()).isEqualTo(page);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "https://shop.example.com/api/orders/1234 | shop.example.com | /api/orders/{id}",
            "/api/orders/1234                         |                  | /api/orders/{id}",
    })
    void endpointsSplitTheHostFromTheRoute(String url, String host, String route) {
        assertThat(Routes.of(url).host()).isEqualTo(host == null ? "" : host);
        assertThat(Routes.of(url).path()).isEqualTo(route);
    }
}
