from flask import Flask, jsonify

app = Flask(__name__)
app.config["JSON_SORT_KEYS"] = False

TODOS = []


@app.route("/todos")
def todos():
    return jsonify(TODOS)
