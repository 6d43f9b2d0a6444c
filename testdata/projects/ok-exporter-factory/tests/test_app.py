from shop import create_app


def test_create_app_twice():
    create_app()
    create_app()
