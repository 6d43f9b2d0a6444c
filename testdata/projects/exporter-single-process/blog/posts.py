from flask import Blueprint

posts = Blueprint("posts", __name__)


@posts.route("/posts/<slug>")
def show(slug):
    return slug
