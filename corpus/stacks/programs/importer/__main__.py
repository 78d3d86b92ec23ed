from importer import app

app.run()
