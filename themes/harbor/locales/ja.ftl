# harbor テーマの文言。ここにある項目は、同じキーの組み込みの文言を置き換えます。harbor- で始まる
# キーはこのテーマのもの（templates/start.html）です。金融機関名は設定（[institution] name）から
# 入ります。キーは en.ftl と同じです。

start-lead = パスワードや暗証番号をお忘れですか。リセットコードで、新しいパスワード・暗証番号を設定するページに進めます。リセットコードはパスワードの代わりにはならず、再設定が終わると使えなくなります。自動音声（電話）または簡易書留でお届けします。
site-help-desk = お困りのときは、港町オフィスのヘルプデスクがお電話でお手伝いします。
harbor-start-welcome = { $institution } のパスワードお手続きへようこそ。
harbor-start-branches = { $institution } の各支店の窓口でも再設定できます。キャッシュカードと本人確認書類をお持ちください。
harbor-start-choose = リセットコードの受け取り方をお選びください。
