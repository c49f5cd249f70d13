"""Error pages come in the app's layout and never show a traceback."""
from casework.web.errors import render_error


def test_404_in_the_layout(client, org):
    client.login("mona.mediator")
    response = client.get("/no/such/page", headers={"Accept-Language": "en"})
    assert response.status_code == 404
    assert "Page not found" in response.text and 'class="navbar' in response.text


def test_400_page_for_a_form_without_token(client):
    response = client.post("/language", data={"language": "en"},
                           headers={"Accept-Language": "en"})
    assert response.status_code == 400
    assert "has expired" in response.text and 'class="navbar' in response.text


def test_500_page_without_traceback(new_app, org):
    app = new_app(PROPAGATE_EXCEPTIONS=False)  # its own: the shared app keeps no /boom

    @app.route("/boom")
    def boom():
        raise RuntimeError("secret detail")

    client = app.test_client()
    client.login("mona.mediator")
    response = client.get("/boom", headers={"Accept-Language": "en"})
    assert response.status_code == 500
    assert "Something went wrong" in response.text
    assert "secret detail" not in response.text and "Traceback" not in response.text


def test_every_error_page_has_a_title(app):
    with app.test_request_context():
        for code in (400, 403, 404, 405, 413, 429, 500):
            body, status = render_error(code)
            assert status == code and "<h1" in body
