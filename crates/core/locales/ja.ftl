# 日本語のカタログ。お客さまが日本語で読み、聞くすべての文言（画面、メール、自動音声）。
# キーは en.ftl と同じです（テストで確かめます）。テーマの locales/ja.ftl で個々の項目を置き換えられます。

## すべての画面

language-self = 日本語
site-skip-to-content = 本文へ移動
site-language = 言語
site-help-heading = お問い合わせ
site-help-desk = ご不明な点がある場合や、この画面でお手続きができない場合は、ヘルプデスクまでお電話ください。
site-back-to-start = はじめのページへ戻る
form-error-summary = 入力内容をご確認ください
form-required = 必須
form-show-password = 表示
form-hide-password = 隠す

## お知らせだけの画面

message-forged-title = このフォームは有効期限が切れています
message-forged-body = セキュリティのため、このフォームは受け付けられませんでした。何も変更されていません。このサイトのページをもう一度開いてから、送信し直してください。
message-too-large-title = 送信された内容が大きすぎます
message-too-large-body = このフォームで受け付けられる大きさを超えています。何も変更されていません。
message-busy-title = アクセスが集中しています
message-busy-body = お使いのネットワークからのリクエストが多すぎます。何も変更されていません。{ $seconds }秒ほどたってから、もう一度お試しください。
message-unavailable-title = ただいまご利用いただけません
message-unavailable-body = ただいまお手続きを受け付けられません。何も変更されていません。しばらくたってから、もう一度お試しください。
message-not-found-title = ページが見つかりません
message-not-found-body = お探しのページはありません。アドレスをご確認いただくか、はじめのページからお進みください。
message-method-title = このページではお受けできません
message-method-body = このページが受け付けない方法で送信されました。何も変更されていません。はじめのページからもう一度お進みください。

## はじめのページ

start-title = パスワード・暗証番号の再設定
start-lead = リセットコードは、パスワード・暗証番号を再設定する専用ページに進むためのコードです。ログインパスワードの代わりにはならず、再設定が完了すると無効になります。リセットコードは、自動音声（電話）または日本郵便の簡易書留で発行します。
start-conditions = このお手続きには、次のすべてを満たしている必要があります。
start-voice-heading = 自動音声（電話）でリセットコードを受け取る
start-voice-intro = インターネットでお申し込みいただけます。ご登録の電話番号にお電話し、キャッシュカードの暗証番号を入力いただくと、自動音声でリセットコードをお知らせします。
start-voice-condition-card = キャッシュカードがお手元にある。
start-voice-condition-pin = キャッシュカードの暗証番号（4桁）がわかる。
start-voice-condition-email = ご登録のメールアドレスを変更しておらず、当行からのメールを受信できる。
start-voice-condition-phone = ご登録の電話番号を変更しておらず、当行からの電話を受けられる。
start-voice-validity = リセットコードの有効期限は発行から{ $hours }時間です。{ $max }回続けて間違えるとリセットコードは無効になります。
start-voice-apply = リセットコードを申し込む
start-voice-have-code = 自動音声でリセットコードを受け取った方
start-postal-heading = 簡易書留でリセットコードを受け取る
start-postal-intro = 自動音声でのお申し込みができない場合は、ヘルプデスクが、ご登録の住所へ日本郵便の簡易書留でリセットコードをお送りします。
start-postal-condition-name = ご登録のお名前を変更していない。
start-postal-condition-address = ご登録の住所で簡易書留を受け取れる。
start-postal-how = お申し込みはヘルプデスク（{ $number }）へお電話ください。お申し込みから1週間ほどで届きます。リセットコードの有効期限は発行日から{ $weeks }週間です。
start-postal-have-code = 郵便でリセットコードを受け取った方
start-postal-letter-help = 郵便でお届けする書面の説明（English translation）
start-other-heading = そのほかのお手続き
start-initialization-link = ログインパスワードの初期化
start-initialization-when = ログインIDはわかるが、ログインパスワードを忘れた場合。ご登録のメールアドレスに仮パスワードをお送りします。
start-reminder-link = ログインIDのお知らせ
start-reminder-when = ログインIDを忘れた場合。
start-website-note = ご利用状況によっては、ウェブサイトからお手続きいただけない場合があります。その場合はヘルプデスクへお問い合わせください。

## 自動音声のリセットコードのお申し込み（P1）

voice-app-title = リセットコードのお申し込み
voice-steps-label = 自動音声による再設定の手順
voice-step-apply = お申し込み
voice-step-call = お電話の受信
voice-step-set = 再設定
voice-app-lead = ログインIDと生年月日を入力してください。お申し込み後、ご登録の電話番号にお電話します。
voice-app-before-heading = お申し込みの前にご確認ください
field-login-id = ログインID
field-login-id-hint = 9桁の数字です。
field-birth-date = 生年月日
field-birth-date-hint = 西暦で入力してください（例：1980年4月1日）。
field-year = 年
field-month = 月
field-day = 日
voice-app-what-next = お申し込み後、ご登録の電話番号にお電話します。ガイダンスに従ってキャッシュカードの暗証番号4桁を入力し、最後に「#（シャープ）」を押してください。自動音声で10桁のリセットコード（有効期限{ $hours }時間）をお知らせし、リセットページのURLをメールでお送りします。
voice-app-submit = 申し込む
voice-sent-title = お申し込みを受け付けました
voice-sent-body = ご入力の内容が登録内容と一致した場合、まもなくご登録の電話番号にお電話します。
voice-sent-call = お電話に出たら、ガイダンスに従ってキャッシュカードの暗証番号4桁を入力し、最後に「#（シャープ）」を押してください。自動音声で10桁のリセットコードをお知らせします。
voice-sent-mail = あわせて「パスワード・暗証番号の再設定（自動音声）」ページのURLを、ご登録のメールアドレスにお送りします。
voice-sent-validity = リセットコードの有効期限は発行から{ $hours }時間です。
voice-sent-no-call = お電話がない場合は、入力内容をご確認のうえもう一度お申し込みいただくか、ヘルプデスクへお問い合わせください。
voice-sent-go-reset = リセットコードを入力するページへ

## 入力の誤り

error-login-id = ログインIDを9桁の数字で入力してください。
error-birth-date = 生年月日を正しい日付で入力してください（年は西暦4桁、月・日は数字）。
error-name = お名前を、姓と名の間にスペースを入れて入力してください。
error-phone-country = 国・地域を「JP」や「+81」のように入力してください。
error-phone-number = 国・地域に合った電話番号を数字で入力してください。
error-email = メールアドレスを「taro@example.jp」のように入力してください。
error-invalid-code = ログインIDまたはリセットコードが正しくないか、リセットコードの有効期限が切れています。どちらもご確認のうえ、もう一度入力してください。{ $max }回間違えるとリセットコードは無効になり、あらためてお申し込みが必要です。
error-session-ended = 再設定の受付時間が終了しました。何も変更されていません。ログインIDとリセットコードをもう一度入力してください。
error-confirm-mismatch = 2つの入力内容が一致しません。同じ内容を入力してください。
error-nothing-to-change = 新しいパスワード・暗証番号を1つ以上入力してください。変更しないものは空欄のままにしてください。

## 再設定（P3）

reset-title-voice = パスワード・暗証番号の再設定（自動音声）
reset-title-postal = パスワード・暗証番号の再設定（郵送）
reset-steps-label = 再設定の手順
reset-step-code = リセットコードの入力
reset-step-set = 新しいパスワードの設定
reset-step-done = 完了
reset-code-lead-voice = ログインIDと、自動音声でお知らせした10桁のリセットコードを入力してください。
reset-code-lead-postal = ログインIDと、簡易書留でお届けした書面に記載の10桁のリセットコードを入力してください。
reset-rule-valid-voice = リセットコードの有効期限は発行から{ $hours }時間です。有効期限が切れた場合は、あらためてお申し込みください。
reset-rule-valid-postal = 郵送のリセットコードの有効期限は発行日から{ $weeks }週間で、書面にも記載しています。有効期限が切れた場合は、ヘルプデスクへお申し込みください。
reset-rule-postal-only = このページは、郵送でリセットコードを受け取った方だけがご利用いただけます。
reset-rule-tries = リセットコードを{ $max }回間違えると無効になり、あらためてお申し込みが必要です。
reset-rule-once = リセットコードは1回だけ使え、パスワード・暗証番号の再設定が完了すると無効になります。
field-reset-code = リセットコード
field-reset-code-hint = { $digits }桁の数字です。スペースやハイフンが入っていてもかまいません。
reset-code-submit = 次へ
reset-apply-again = リセットコードをあらためて申し込む
reset-set-lead = 変更するパスワード・暗証番号の欄に、新しい内容を入力してください。変更しないものは空欄のままにしてください。
reset-session-until = { $until }までに設定を完了してください。それを過ぎると、リセットコードの入力からやり直しになります。
field-new = 新しい{ $label }
field-new-confirm = 新しい{ $label }（確認のためもう一度）
reset-rule-pin = 数字{ $min }桁。同じ数字の繰り返し、連続した数字、生年月日は使えません。
reset-rule-password = { $min }～{ $max }文字。よく使われるパスワードやログインIDは避けてください。
reset-set-submit = 設定する
reset-done-title = パスワード・暗証番号を再設定しました
reset-done-body = お手続きが完了しました。新しいパスワード・暗証番号はすぐにご利用いただけます。
reset-done-changed = 変更した項目
reset-done-code-used = リセットコードは使用済みとなり、無効になりました。
reset-done-mail = 変更のお知らせを、ご登録のメールアドレスにお送りしました。

## パスワードの決まり

policy-too-short = { $min }文字以上にしてください。
policy-too-long = { $max }文字以内にしてください。
policy-not-digits = 数字だけで入力してください。
policy-control-characters = 制御文字は使えません。
policy-common = よく使われていて推測されやすい内容です。別の内容にしてください。
policy-contains-context = ログインIDやサービス名は使えません。
policy-repeated-digits = 同じ数字の繰り返しは使えません。
policy-sequential-digits = 「1234」のような連続した数字は使えません。
policy-birth-date = 生年月日は使えません。

## ログインパスワードの初期化（P5）とログインIDのお知らせ（P6）

init-title = ログインパスワードの初期化
init-lead = ログインパスワードをお忘れの場合は、口座にご登録のログインID、お名前、電話番号、メールアドレスを入力して「初期化する」を押してください。入力内容が確認できると、ご登録のメールアドレスに初期化したパスワード（仮パスワード）をお送りします。
init-login-id-hint = パスワードを忘れた口座のログインID（9桁）です。ログインIDもお忘れの場合は、先に「ログインIDのお知らせ」をご利用ください。
field-name = お名前
field-name-hint = 姓と名の間に全角または半角のスペースを入れてください（例：「国 太郎」「KOKU Taro」）。
field-phone = 電話番号
field-phone-hint = 口座にご登録の電話番号です（法人・団体の場合はご担当者の電話番号）。
field-phone-country = 国・地域
field-phone-country-hint = 例：JP、+81
field-phone-number = 番号
field-email = メールアドレス
field-email-hint = 口座にご登録のメールアドレスです。ここで新しいメールアドレスを登録することはできません。
init-what-next = 入力内容が確認できると、ご登録のメールアドレスに仮パスワードをお送りします。有効期限は{ $hours }時間です。仮パスワードを使うまでは、これまでのパスワードもお使いいただけます。
init-submit = 初期化する
identity-precautions = ご注意
identity-precautions-lead = 入力する内容は、最初に開設した口座が個人か、法人・団体かによって異なります。
identity-individual = 個人のお客さま
identity-individual-name = 「お名前」欄には、姓と名の間にスペースを入れて入力してください。
identity-individual-phone = 「電話番号」欄には、ハイフン（-）を入れずに入力してください。
identity-individual-email = 「メールアドレス」欄には、口座にご登録のメールアドレスを入力してください。新しいメールアドレスは登録できません。
identity-organization = 法人・団体のお客さま
identity-organization-name = 「お名前」欄には、ご担当者の姓と名の間にスペースを入れて入力してください。
identity-organization-phone = 「電話番号」欄には、ご担当者の電話番号をハイフン（-）を入れずに入力してください。
identity-organization-email = 「メールアドレス」欄には、口座にご登録のご担当者のメールアドレスを入力してください。
init-forgot-login-id = ログインIDを忘れた方
init-sent-title = 受け付けました
init-sent-body = ご入力の内容が口座の登録内容と一致した場合、ご登録のメールアドレスに仮パスワードをお送りしました。
init-sent-validity = 仮パスワードの有効期限は{ $hours }時間です。仮パスワードでログインし、すぐに新しいパスワードに変更してください。
init-sent-no-mail = メールが届かない場合は、入力内容をご確認のうえもう一度お試しいただくか、ヘルプデスクへお問い合わせください。
reminder-title = ログインIDのお知らせ
reminder-lead = 口座にご登録のお名前、電話番号、メールアドレスを入力してください。入力内容が確認できると、ご登録のメールアドレスにログインIDをお送りします。
reminder-submit = ログインIDを送る
reminder-sent-title = 受け付けました
reminder-sent-body = ご入力の内容が口座の登録内容と一致した場合、ご登録のメールアドレスにログインIDをお送りしました。
reminder-sent-no-mail = メールが届かない場合は、入力内容をご確認のうえもう一度お試しいただくか、ヘルプデスクへお問い合わせください。
reminder-sent-next = ログインパスワードの初期化へ

## メール
## メールはプレーンテキストです。$institution は金融機関名、$salutation は mail-salutation の行、
## $help_number と $help_hours は日本語ヘルプデスクの番号と受付時間です。

mail-salutation = { $family } { $given } 様
# 有効期間の言い方。
mail-lifetime-hours = { $n }時間
mail-lifetime-minutes = { $n }分
# 自動音声でコードをお知らせした後：入力するページ。$valid は有効期間、$until は期限の日時。
mail-voice-reset-subject = 【{ $institution }】リセットコード入力ページのご案内
mail-voice-reset-body =
    { $salutation }

    自動音声でお知らせしたリセットコードを、次のページで入力してください。

    { $url }

    リセットコードの有効期限は発行から{ $valid }（{ $until }まで）です。
    このメールにお心当たりがない場合は、ヘルプデスク（{ $help_number }、{ $help_hours }）までご連絡ください。

    { $institution }
# 仮パスワード（$password）はコピーできるよう1行に単独で置きます。
mail-temporary-password-subject = 【{ $institution }】仮パスワードのお知らせ
mail-temporary-password-body =
    { $salutation }

    ログインパスワードの初期化を受け付けました。仮パスワードは次のとおりです。

    { $password }

    この仮パスワードでログインし、すぐに新しいパスワードに変更してください。有効期限は{ $valid }（{ $until }まで）です。
    仮パスワードを使うまでは、これまでのパスワードも使えます。
    お心当たりがない場合は、このメールを破棄し、ヘルプデスク（{ $help_number }、{ $help_hours }）までご連絡ください。

    { $institution }
# $login_ids は一致したログインID（1行に1つ）、$count はその数。
mail-login-id-subject = 【{ $institution }】ログインIDのお知らせ
mail-login-id-body =
    { $salutation }

    お客さまのログインIDは次のとおりです。

    { $login_ids }

    お心当たりがない場合は、ヘルプデスク（{ $help_number }、{ $help_hours }）までご連絡ください。

    { $institution }
# パスワード・暗証番号の変更後。$labels は mail-changed-item の行、$when は変更の日時。
mail-changed-subject = 【{ $institution }】パスワード・暗証番号変更のお知らせ
mail-changed-body =
    { $salutation }

    { $when } に、次のパスワード・暗証番号が変更されました。

    { $labels }

    お心当たりがない場合は、至急ヘルプデスク（{ $help_number }、{ $help_hours }）までご連絡ください。

    { $institution }
mail-changed-item = ・{ $label }
# 郵送リセットコードの申込み後。$applied は申込日、$until は有効期限の日付です。コードは書きません。
mail-postal-sent-subject = 【{ $institution }】リセットコードを郵送します
mail-postal-sent-body =
    { $salutation }

    { $applied }、お電話でのお申し出により、リセットコードを記載した書面を登録のご住所あてに簡易書留（転送不要）でお送りする手続きをいたしました。

    書面はおよそ1週間でお届けします。ご本人またはご家族等が、登録のご住所で受け取ってください。転居先には転送されません。
    リセットコードは{ $until }まで有効です。書面に記載の手順で、リセットページに入力してください。
    不在のときは、ご不在連絡票の案内に従い、保管期間（7日間）内に再配達をご依頼いただくか、郵便局でお受け取りください。

    このお手続きにお心当たりがない場合は、至急ヘルプデスク（{ $help_number }、{ $help_hours }）までご連絡ください。

    { $institution }
# 書面が返送されたとき。$why は mail-postal-returned-reason-* の文です。コードは書きません。
mail-postal-returned-subject = 【{ $institution }】リセットコードの書面が返送されました
mail-postal-returned-body =
    { $salutation }

    お送りしたリセットコードの書面が、{ $why }当社に返送されました。
    この書面のリセットコードは無効にしましたので、使用できません。

    あらためてお手続きされる場合は、ヘルプデスク（{ $help_number }、{ $help_hours }）までご連絡ください。

    { $institution }
mail-postal-returned-reason-storage_expired = 郵便局での保管期間が過ぎたため、
mail-postal-returned-reason-addressee_unknown = あて所に尋ねあたらないため、
mail-postal-returned-reason-moved = 転居先が不明のため、
mail-postal-returned-reason-refused = 受け取りを拒否されたため、
mail-postal-returned-reason-other = 配達できなかったため、
# ヘルプデスクがお客さまのお申し出でリセットコードを無効にしたとき。$when は日時です。
mail-code-voided-subject = 【{ $institution }】リセットコードを無効にしました
mail-code-voided-body =
    { $salutation }

    { $when }、お申し出により、お手元のリセットコードを無効にしました。このリセットコードは使用できません。

    お心当たりがない場合は、至急ヘルプデスク（{ $help_number }、{ $help_hours }）までご連絡ください。

    { $institution }
# ヘルプデスクがロックを解除したとき。$label はパスワード・暗証番号の名前です。
mail-unlocked-subject = 【{ $institution }】{ $label }のロックを解除しました
mail-unlocked-body =
    { $salutation }

    { $when }、ヘルプデスクにて{ $label }のロックを解除しました。

    お心当たりがない場合は、至急ヘルプデスク（{ $help_number }、{ $help_hours }）までご連絡ください。

    { $institution }

## 自動音声
## 読み上げる文です。$help_number は日本語ヘルプデスクの番号の読み上げ（1桁ずつ）、$help_hours は受付時間です。

call-greeting = { $institution }です。リセットコードのお申し込みを受け付けました。
call-ask-pin = キャッシュカードの暗証番号4桁を入力し、最後にシャープを押してください。
call-no-input = 入力が確認できませんでした。
call-wrong-pin = 暗証番号が正しくありません。あと{ $tries }回入力できます。
call-out-of-tries = 暗証番号が正しくありません。お手数ですが、ヘルプデスクにお問い合わせください。電話番号は { $help_number } です。
call-locked = 暗証番号がロックされているため、お手続きできません。ヘルプデスクにお問い合わせください。電話番号は { $help_number } です。
# 電話番号の数字のまとまりの区切り（読み上げの間）。
call-digit-group-separator = { "、" }
# コードの数字の前と後に読み上げます。
call-code-before = リセットコードをお知らせします。
call-code-after = リセットページのURLをメールでお送りしました。
call-offer-repeat = もう一度お聞きになる場合は1を押してください。
call-goodbye = お電話ありがとうございました。
call-unavailable = このお電話ではお手続きできません。

## 郵便の手紙の説明と英語訳（/help/postal-letter）
## $weeks は郵便のリセットコードの有効期間（週）、$digits は桁数、$max は無効になるまでの誤り回数、$number はヘルプデスクの番号です。

help-postal-letter-title = 郵便でお届けするリセットコードの書面
help-postal-letter-lead = 郵便でリセットコードをお申し込みいただくと、日本郵便の簡易書留で書面をお送りします。このページでは、書面の届き方と、書かれている内容をご説明します。英語のページには、書面の英語訳があります。
help-postal-letter-arrival-heading = 書面の届き方
help-postal-letter-arrival-week = お申し込みから1週間ほどで届きます。
help-postal-letter-arrival-registered = 日本郵便の簡易書留でお送りします。配達員が受領印または署名と引き換えにお渡しするため、お受け取りにはご在宅が必要です。
help-postal-letter-arrival-address = ご登録の住所でのみお受け取りいただけます。「転送不要」のため、転居されている場合は、日本郵便に転居届を出されていても新しい住所へは転送されず、当方に返送されます。
help-postal-letter-absent-heading = ご不在の場合
help-postal-letter-absent-notice = 日本郵便がご不在連絡票を郵便受けに入れます。7日以内に再配達をお申し込みいただくか、ご不在連絡票に記載の郵便局でお受け取りください。再配達のお申し込み方法は、日本郵便のウェブサイトをご覧ください。
help-postal-letter-absent-returned = 期間内にお受け取りがない場合、書面は当方に返送され、記載のリセットコードは使えなくなります。ヘルプデスク（{ $number }）へあらためてお申し込みください。
help-postal-letter-parts-heading = 書面に書かれていること
help-postal-letter-parts-lead = 書面の各部分に書かれていることです。
help-postal-letter-marks-heading = 宛名の横
help-postal-letter-mark-confidential = 宛名のご本人が開封してください。
help-postal-letter-mark-no-forwarding = 新しい住所へは転送されず、当方に返送されます。
help-postal-letter-mark-registered = 郵便の種類です。受領印または署名と引き換えにお渡しします（封筒に印刷されている場合もあります）。
help-postal-letter-top-heading = 右上
help-postal-letter-issued = リセットコードを発行した日です。リセットコードはこの日から{ $weeks }週間有効です。
help-postal-letter-reference = 書面の管理番号です。書面についてお問い合わせの際にお伝えください。
help-postal-letter-sender = その下は、当方の名称と、ヘルプデスク（{ $number }）の電話番号と受付時間です。
help-postal-letter-body-heading = 本文
help-postal-letter-printed-date = 書面に記載の日付
help-postal-letter-items-heading = 記
help-postal-letter-item-code = 枠内の{ $digits }桁の数字です。4桁ずつ区切って印刷しています。入力の際、空白はあってもなくてもかまいません。
help-postal-letter-item-expiry = この日の終わり（日本時間）までお使いいただけます。
help-postal-letter-item-page = リセットコードを入力するページのアドレスです。
help-postal-letter-closing = 記の終わりを示します。
help-postal-letter-notes-heading = 注意事項
help-postal-letter-use-heading = リセットコードの入力
help-postal-letter-use-where = 「パスワード・暗証番号の再設定（郵送）」のページで、ログインIDと{ $digits }桁のリセットコードを入力し、新しいパスワード・暗証番号を設定してください。
help-postal-letter-use-valid = リセットコードの有効期限は発行日から{ $weeks }週間で、書面に記載の日付までです。1回だけお使いいただけます。{ $max }回続けて間違えると、リセットコードは無効になります。
help-postal-letter-use-expired = 有効期限を過ぎた場合は、ヘルプデスクへあらためてお申し込みください。
help-postal-letter-use-link = リセットコードを入力する

## 郵便の手紙（P4：簡易書留のリセットコード）
## 手紙はいつも日本語で印刷します（英語の訳は /help/postal-letter のページ）。en.ftl の同じキーは、その英語の対応文です。
## $institution は金融機関名、$help_number と $help_hours は日本語ヘルプデスクの番号と受付時間、$until は有効期限の日付、
## $digits はリセットコードの桁数、$reset_url は入力するページ、$help_url は英語訳のページ、$postal_code は郵便番号、$date は発行日です。

letter-postal-postal-code = 〒{ $postal_code }
# 個人はお名前に「様」。法人は法人名を1行、その下にご担当者のお名前と「様」（「御中」と「様」は併用しません）。
letter-postal-name = { $family } { $given } 様
letter-postal-mark-confidential = 親展
letter-postal-mark-no-forwarding = 転送不要
letter-postal-mark-registered = 簡易書留
letter-postal-reference-label = 管理番号
letter-postal-reference = { letter-postal-reference-label }：{ $reference }
letter-postal-issued-label = 発行日
letter-postal-issued-on = { letter-postal-issued-label }：{ $date }
letter-postal-sender = { $institution }
letter-postal-sender-desk = ヘルプデスク { $help_number }
letter-postal-sender-hours = 受付時間 { $help_hours }
letter-postal-subject = リセットコードのお知らせ
letter-postal-opening = 平素より{ $institution }をご利用いただき、誠にありがとうございます。
letter-postal-body-purpose = お申し込みいただいた、パスワード・暗証番号を再設定するためのリセットコードをお知らせします。
letter-postal-body-how = 下記の「入力するページ」で、ログインIDとこのリセットコードを入力し、新しいパスワード・暗証番号を設定してください。リセットコードの有効期限は{ $until }までです。
letter-postal-items-heading = 記
letter-postal-item-code = リセットコード（{ $digits }桁）
letter-postal-item-expiry = 有効期限
letter-postal-item-expiry-value = { $until }まで
letter-postal-item-page = 入力するページ
letter-postal-note-once = ※リセットコードは1回だけお使いいただけます。再設定が完了すると無効になります。
letter-postal-note-expired = ※有効期限を過ぎたリセットコードはお使いいただけません。その場合は、あらためてヘルプデスクへお申し込みください。
letter-postal-note-secret = ※リセットコードは他人に知らせないでください。当方からお電話やメールでリセットコードをお尋ねすることはありません。
letter-postal-note-not-you = ※お申し込みにお心当たりがない場合は、ヘルプデスク（{ $help_number }、{ $help_hours }）までご連絡ください。
letter-postal-note-english = ※この書面の英語訳（English translation）：{ $help_url }
letter-postal-qr-caption = 入力するページ
letter-postal-closing = 以上

## 窓口の手続きの用語（P8b：マイナンバーカードの暗証番号の変更・初期化）
## 職員コンソールと、窓口の照会書兼回答書・受付票が使います。キーの末尾は API の名前（_ は -）です。
counter-case-type-in-person = 本人
counter-case-type-legal-representative = 法定代理人
counter-case-type-proxy = 任意代理人
counter-ground-under-15 = 15歳未満
counter-ground-adult-ward = 成年被後見人
counter-pin-sign = 署名用電子証明書の暗証番号
counter-pin-auth = 利用者証明用電子証明書の暗証番号
counter-pin-juki = 住民基本台帳用の暗証番号
counter-pin-text = 券面事項入力補助用の暗証番号
counter-operation-change = 変更
counter-operation-reset = 初期化・再設定
counter-item-card = マイナンバーカード（ご本人のもの）
counter-item-representative-photo-id = 法定代理人の顔写真付き本人確認書類（運転免許証など）
counter-item-family-register-certificate = 戸籍全部事項証明書
counter-item-guardianship-certificate = 成年後見の登記事項証明書
counter-item-proxy-id = 代理人の本人確認書類（顔写真なしでも可）
counter-item-proxy-photo-id = 代理人の顔写真付き本人確認書類（運転免許証など）
counter-item-response-form = 照会書兼回答書（ご本人が回答を記入したもの）
counter-item-power-of-attorney = 委任状（照会書兼回答書の様式に、ご本人が記入したもの）
counter-item-sealed-pin-request = 暗証番号設定依頼書（ご本人が記入し封をしたもの）

## 窓口の照会書兼回答書（P8b：任意代理人の申請のとき、ご本人の住所あてに郵送します）
## いつも日本語で印刷します。en.ftl の同じキーは、その英語の対応文です。
## $office は窓口（市区町村と課）、$office_phone と $office_hours はその電話番号と受付時間、$date は申請日
## （この書面の発行日）、$reply_by は代理人が来庁する期限の日付、$reference は受付番号、$pins は対象の暗証番号
## （「、」区切り）、$operation は手続き（counter-operation-*）、$postal_code は郵便番号、$family と $given は
## ご本人の氏名です。照合番号は「記」の中に単独で印刷します（文に入れません）。
letter-inquiry-postal-code = 〒{ $postal_code }
letter-inquiry-name = { $family } { $given } 様
letter-inquiry-mark-confidential = 親展
letter-inquiry-mark-no-forwarding = 転送不要
letter-inquiry-reference = 受付番号：{ $reference }
letter-inquiry-issued-on = 発行日：{ $date }
letter-inquiry-sender = { $office }
letter-inquiry-sender-phone = 電話 { $office_phone }
letter-inquiry-sender-hours = 受付時間 { $office_hours }
letter-inquiry-subject = 照会書兼回答書（暗証番号の{ $operation }）
letter-inquiry-body-applied = { $date }、{ $office }の窓口に、あなたの代理人として、あなたのマイナンバーカードの下記の暗証番号の{ $operation }の申請がありました。ご本人のご意思を確かめるため、この書面をお送りします。
letter-inquiry-body-if-yes = あなたが依頼された申請であれば、この書面の「回答書」と「委任状」にご記入のうえ、この書面をすべて代理人にお渡しください。代理人は、この書面、代理人の顔写真付きの本人確認書類と、あなたのマイナンバーカードを持って、申請の日の翌日以降、{ $reply_by }までに窓口へお越しください。
letter-inquiry-body-if-not = あなたが依頼されたものでなければ、この書面を誰にも渡さず、すぐに{ $office }（電話 { $office_phone }、{ $office_hours }）へご連絡ください。
letter-inquiry-items-heading = 記
letter-inquiry-item-reference = 受付番号
letter-inquiry-item-check-code = 照合番号
letter-inquiry-item-pins = 対象の暗証番号
letter-inquiry-item-operation = 手続きの内容
letter-inquiry-item-operation-value = 暗証番号の{ $operation }
letter-inquiry-item-reply-by = 来庁の期限
letter-inquiry-item-reply-by-value = { $reply_by }まで（受付時間内）
letter-inquiry-note-check-code = ※照合番号は、代理人がお越しの際に窓口で確かめます。この書面を代理人に渡すほかは、誰にも知らせないでください。
letter-inquiry-note-deadline = ※期限までに代理人がお越しにならないときは、この申請は取り消しとなります。
letter-inquiry-note-never-asked = ※当課から電話やメールで暗証番号をお尋ねすることはありません。
letter-inquiry-closing = 以上
letter-inquiry-field-reference = 受付番号
letter-inquiry-field-date = 記入日
letter-inquiry-field-date-guide = 年　　月　　日
letter-inquiry-field-signature-guide = （自署または記名押印）　　印
letter-inquiry-response-title = 回答書
letter-inquiry-response-to = （あて先）{ $office }
letter-inquiry-response-statement = この照会書による照会について、次のとおり回答します。
letter-inquiry-response-choice = 回答（どちらかに✓）
letter-inquiry-response-choice-yes = この申請は、私が代理人に依頼したものです。
letter-inquiry-response-choice-no = この申請は、私が依頼したものではありません。
letter-inquiry-response-holder-address = ご本人の住所
letter-inquiry-response-holder-name = ご本人の氏名
letter-inquiry-response-holder-phone = 日中の連絡先（電話）
letter-inquiry-response-note-pin = ※新しい暗証番号は、この回答書にも委任状にも書かないでください。同封の「暗証番号設定依頼書」に記入し、同封の封筒に入れて封をしたうえで代理人にお渡しください。窓口で開封し、暗証番号の設定にだけ使います。
letter-inquiry-response-note-not-you = ※「依頼したものではありません」を選んだ方は、この書面を代理人に渡さず、{ $office }（電話 { $office_phone }）へご連絡ください。
letter-inquiry-poa-title = 委任状
letter-inquiry-poa-to = （あて先）{ $office }
letter-inquiry-poa-statement = 私は、次の者を代理人と定め、下記の事項を委任します。
letter-inquiry-poa-proxy-address = 代理人の住所
letter-inquiry-poa-proxy-name = 代理人の氏名
letter-inquiry-poa-proxy-birth-date = 代理人の生年月日
letter-inquiry-poa-matter = 委任する事項
letter-inquiry-poa-matter-value = 受付番号 { $reference } のマイナンバーカードの暗証番号（{ $pins }）の{ $operation }の手続き
letter-inquiry-poa-holder-name = 委任者（ご本人）の氏名
letter-inquiry-poa-note = ※委任状は、ご本人が記入してください。消せるボールペンや鉛筆では書かないでください。

## 窓口の受付票（P8b：窓口で申請した方にお渡しします。照合番号は書きません）
## いつも日本語で印刷します。$office、$office_phone、$office_hours、$reference、$pins、$operation は照会書と同じ、
## $date は申請日、$type は申請の区分（counter-case-type-*）、$ground は法定代理人の理由（counter-ground-*）、
## $first と $last は次回の来庁の期間（申請の日の翌日から期限まで）、$item はお持ちいただくもの
## （counter-item-*）、$family と $given はカードの名義人の氏名です。
letter-receipt-reference = 受付番号：{ $reference }
letter-receipt-issued-on = 受付日：{ $date }
letter-receipt-sender = { $office }
letter-receipt-sender-phone = 電話 { $office_phone }
letter-receipt-sender-hours = 受付時間 { $office_hours }
letter-receipt-subject = 受付票
letter-receipt-body = マイナンバーカードの暗証番号の{ $operation }の申請を、次のとおり受け付けました。
letter-receipt-body-next = この手続きは、本日は完了しません。下記の期間に、下記のものを持って、もう一度窓口へお越しください。
letter-receipt-items-heading = 記
letter-receipt-item-reference = 受付番号
letter-receipt-item-type = 申請の区分
letter-receipt-item-type-with-ground = { $type }（{ $ground }）
letter-receipt-item-holder = カードの名義人
letter-receipt-item-holder-value = { $family } { $given } 様
letter-receipt-item-pins = 対象の暗証番号
letter-receipt-item-operation = 手続きの内容
letter-receipt-item-operation-value = 暗証番号の{ $operation }
letter-receipt-item-next-visit = 次回の来庁
letter-receipt-item-next-visit-value = { $first }から
    { $last }まで（受付時間内）
letter-receipt-item-bring = 次回お持ちいただくもの
letter-receipt-bring-line = ・{ $item }
letter-receipt-note-inquiry = ※ご本人の住所あてに照会書兼回答書（転送不要）を郵送します。届かずに当課へ戻ったときは、この申請は取り消しとなります。
letter-receipt-note-originals = ※照会書兼回答書（回答書と委任状）は、原本をお預かりします。
letter-receipt-note-deadline = ※期限を過ぎると、この申請は取り消しとなります。その場合は、あらためて申請してください。
letter-receipt-note-ask = ※お問い合わせの際は、受付番号をお知らせください。
letter-receipt-closing = 以上

## Demo

demo-phone-title = デモ用の電話
demo-phone-lead = デモのお客さまの電話です。reissue がお客さまに電話をかけると、ここに着信します。応答して自動音声の内容を読み、電話機と同じようにキーパッドで入力してください。
demo-phone-no-calls = まだ着信はありません。はじめのページからリセットコードを申し込むと、まもなくここに着信します。
demo-phone-call-to = { $number } への電話
demo-phone-from = 発信元 { $number }、{ $time }
demo-phone-status = { $status ->
    [queued] 発信中
    [initiated] 発信中
    [ringing] 着信中
    [in-progress] 通話中
    [completed] 通話終了
    [busy] 話し中
    [no-answer] 応答なし
    [failed] 接続できませんでした
   *[other] { $status }
}
demo-phone-answer = 応答する
demo-phone-hang-up = 電話を切る
demo-phone-transcript = 自動音声の内容
demo-phone-digits = 読み上げられた数字：{ $digits }
demo-phone-keypad = キーパッド
demo-phone-key-star = アスタリスク（*）
demo-phone-key-hash = シャープ（#）
demo-phone-pressed = 入力中のキー：{ $keys }
demo-phone-keys-field = まとめて押すキー
demo-phone-keys-hint = 例：7351#（0～9、* と # のキー）
demo-phone-send-keys = このキーを押す
demo-phone-problem = 操作できませんでした
demo-phone-not-ringing = この電話はもう着信中ではありません。
demo-phone-not-listening = 自動音声はいま、キーの入力を待っていません。
demo-phone-not-in-call = この電話は通話中ではありません。
demo-phone-bad-keys = 押せるのは 0～9、* と # のキーだけです。
demo-phone-link = デモ用の電話を開く
demo-mailbox-link = デモ用のメールボックスを開く
demo-mailbox-title = デモ用のメールボックス
demo-mailbox-lead = デモで reissue が送るメールは、このコンピューターの外へは送られず、すべてここに届きます。
demo-mailbox-empty = まだメールは届いていません。
demo-mailbox-to = 宛先
demo-mailbox-received = 受信日時

## The staff console (/staff/): read by staff only.
staff-console = 職員コンソール
staff-nav-label = コンソール
staff-nav-accounts = 口座照会
staff-nav-approvals = 承認
staff-nav-batches = 郵送バッチ
staff-nav-members = 職員管理
staff-signed-in-as = { $name }（{ $role }）
staff-sign-out = サインアウト
staff-sign-out-everywhere = すべての端末でサインアウト
staff-back-to-console = コンソールに戻る
staff-role-helpdesk = ヘルプデスク
staff-role-postal-operator = 郵送担当
staff-role-counter = 窓口
staff-role-auditor = 監査
staff-role-admin = 管理者
staff-sign-in-title = 職員サインイン
staff-sign-in-lead = 職員ログイン、パスワード、認証アプリの6桁のコードでサインインしてください。
staff-field-login = 職員ログイン
staff-field-login-hint = 半角英小文字・数字・ドット・下線・ハイフンで3〜64文字。
staff-field-password = パスワード
staff-field-totp = 認証コード
staff-field-totp-hint = 認証アプリに今表示されている6桁の数字。
staff-sign-in-submit = サインイン
staff-error-sign-in = ログイン、パスワードまたはコードが正しくありません。
staff-error-sign-in-locked = 失敗が続いたためサインインはロックされています。管理者にリセットを依頼してください。
staff-error-busy = ただいま混み合っています。しばらくしてからもう一度お試しください。
staff-notice-session-ended = セッションが終了しました。もう一度サインインしてください。
staff-notice-signed-out = サインアウトしました。
staff-password-title = 新しいパスワードの設定
staff-password-first = コンソールを使う前に、初期パスワードを変更する必要があります。
staff-password-rule = { $min }文字以上。よく使われるパスワードやログインを含むものは使えません。
staff-field-current-password = 現在のパスワード
staff-field-new-password = 新しいパスワード
staff-field-new-password-confirm = 新しいパスワード（確認）
staff-password-submit = 新しいパスワードを設定する
staff-error-same-password = 新しいパスワードは現在のものと異なる必要があります。
staff-error-current-password = 現在のパスワードが正しくありません。
staff-error-locked = 失敗が続いたためロックされています。管理者にリセットを依頼してください。
staff-forbidden-title = 権限がありません
staff-forbidden-body = あなたの役割ではこの操作はできません。必要な場合は管理者に相談してください。
staff-bad-request-title = 見つかりません
staff-bad-request-body = 該当するものはありません。
staff-search-title = 口座の検索
staff-search-or = または、氏名（姓と名）、電話番号、カナ氏名、生年月日のいずれか：
staff-field-family-name = 姓
staff-field-given-name = 名
staff-field-phone = 電話番号
staff-field-name-kana = カナ氏名
staff-field-birth-date = 生年月日
staff-field-birth-date-hint = YYYY-MM-DD
staff-search-submit = 検索する
staff-search-results = { $count }件見つかりました
staff-col-name = 氏名
staff-col-kind = 種別
staff-col-status = 状態
staff-kind-individual = 個人
staff-kind-organization = 法人
staff-status-active = 有効
staff-status-suspended = 停止中
staff-channels-title = チャネル
staff-channels-lead = チャネルを一時停止すると、再開するまで全てのお客さまが利用できなくなります。
staff-channel-voice = 音声によるリセットコード
staff-channel-postal = 郵送によるリセットコード
staff-channel-initialization = パスワードの初期化
staff-channel-reminder = ログインIDの通知
staff-channel-pause = 一時停止
staff-channel-resume = 再開
staff-field-reason = 理由
staff-account-title = 口座 { $login_id }
staff-account-not-found-title = 口座が見つかりません
staff-account-not-found-body = そのログインIDの口座はありません。
staff-account-holder = 名義人
staff-organization = 法人名
staff-language = 言語
staff-address = 住所
staff-none = なし
staff-changed-on = { $date }に変更
staff-contact-email = メールアドレス
staff-contact-phone = 電話番号
staff-reveal-reason = 表示する理由
staff-reveal = 全体を表示
staff-eligibility = 利用可否
staff-eligibility-voice = 音声によるリセットコード
staff-eligibility-postal = 郵送によるリセットコード
staff-eligible = 利用できます
staff-standing = 保留
staff-no-holds = 保留はなく、住所は配達可能です。
staff-hold-fraud = 不正利用の疑いによる保留
staff-hold-review = 確認待ち（郵便物の受取拒否）
staff-undeliverable = 住所に配達できません：{ $reason }（{ $since }から）
staff-credentials = 認証情報
staff-credential = 認証情報
staff-failures = 失敗回数
staff-locked = ロック中
staff-unlocked = ロックなし
staff-must-change = 変更が必要
staff-active-code = 有効なリセットコード
staff-active-code-line = { $channel }のコード：{ $issued }発行、{ $expires }まで有効。誤入力 { $wrong } / { $max } 回。
staff-no-active-code = 有効なコードはありません。
staff-code-channel-voice = 音声
staff-code-channel-postal = 郵送
staff-letters = 郵便物
staff-reference = 整理番号
staff-tracking = お問い合わせ番号
staff-applied = 申込
staff-expires = コードの有効期限
staff-letter-queued = バッチ待ち
staff-letter-in-batch = バッチ締め済み
staff-letter-exported = 委託先へ送付済み
staff-letter-accepted = 差出済み
staff-letter-returned = 返戻
staff-letter-withdrawn = 取消
staff-letter-used = 使用済み
staff-letter-expired = 期限切れ
staff-letter-code-voided = コード無効
staff-calls = 電話
staff-provider-status = 事業者の状態
staff-created = 作成
staff-updated = 更新
staff-call-queued = 待機中
staff-call-initiated = 発信中
staff-call-ringing = 呼出中
staff-call-in-progress = 通話中
staff-call-completed = 完了
staff-call-busy = 話し中
staff-call-failed = 失敗
staff-call-no-answer = 応答なし
staff-call-canceled = 取消
staff-deliveries = メール・電話・Webhook
staff-delivery-kind = 種類
staff-delivery-kind-email = メール
staff-delivery-kind-place-call = 電話
staff-delivery-kind-webhook = Webhook
staff-delivery-pending = 送信待ち
staff-delivery-done = 送信済み
staff-delivery-failed = 失敗
staff-subject = 件名
staff-done = 完了
staff-actions = 操作
staff-actions-lead = 操作にはすべて理由が必要です。あなたの名前とともに記録され、必要な場合はお客さまにメールでお知らせします。
staff-field-fresh-totp = 認証コード（新しいもの）
staff-field-fresh-totp-hint = 重要な操作には、サインイン時より新しいコードが必要です。
staff-action-postal-application = 郵送によるリセットコードの申込
staff-action-void-code = 有効なコードを無効にする
staff-action-unlock = ロック解除
staff-action-unlock-credential = { $credential }のロックを解除する
staff-action-fraud-hold = 不正利用の疑いで保留する
staff-action-lift-fraud-hold = 保留を解除する
staff-action-clear-review = 確認待ちを解除する
staff-action-suspend = 口座を停止する
staff-action-resume = 口座を再開する
staff-action-pause-channel = チャネルの一時停止
staff-action-resume-channel = チャネルの再開
staff-notice-done = 完了しました：{ $action }。
staff-notice-pending = 申請 { $id } は、別の職員の承認を待っています。
staff-history = 履歴
staff-when = 日時
staff-who = 実施者
staff-what = 内容
staff-outcome = 結果
staff-reason-account-suspended = 口座が停止されています。
staff-reason-fraud-hold = { $since }から不正利用の疑いで保留中です。
staff-reason-no-address = 住所が登録されていません。
staff-reason-address-undeliverable = この住所への郵便物が返戻されました（{ $reason }、{ $since }）。住所が変わるまで送付できません。
staff-reason-name-changed-recently = 登録氏名が{ $on }に変更されています。郵送によるコードは{ $from }から申し込めます。
staff-reason-address-changed-recently = 住所が{ $on }に変更されています。郵送によるコードは{ $from }から申し込めます。
staff-reason-channel-paused = 郵送によるコードは現在全体で一時停止中です。
staff-reason-voice-card-pin-locked = キャッシュカード暗証番号がロックされています。
staff-reason-voice-channel-paused = 音声によるコードは現在全体で一時停止中です。
staff-reason-voice-fraud-hold = 不正利用の疑いで保留中です。
staff-reason-voice-no-card-pin = キャッシュカード暗証番号がありません。
staff-reason-voice-no-contact = 電話番号が登録されていません。
staff-reason-voice-no-email = メールアドレスが登録されていません。
staff-reason-voice-recent-change = 連絡先が最近変更されています。
staff-reason-voice-status = 口座が有効ではありません。
staff-return-storage-expired = 保管期間内に受け取られず
staff-return-addressee-unknown = 宛所に尋ねあたらず
staff-return-moved = 転居
staff-return-refused = 受取拒否
staff-return-other = その他
staff-postal-title = 郵送によるリセットコードの申込
staff-postal-to = 登録住所に送付
staff-postal-lead = 書面は簡易書留（転送不要）で登録住所に送ります。コードは発行日から{ $weeks }週間有効です。
staff-postal-checks = お客さまの本人確認で確認した事項
staff-check-name = 登録氏名
staff-check-birth-date = 生年月日
staff-check-address = 登録住所
staff-check-phone = 登録電話番号
staff-check-account-details = ご本人しか知り得ない取引内容
staff-postal-submit = 申し込む
staff-postal-apply = 郵送によるリセットコードを申し込む
staff-postal-not-eligible = この口座は現在、郵送によるリセットコードを申し込めません：
staff-back-to-account = 口座 { $login_id } に戻る
staff-applied-title = 書面の送付を受け付けました
staff-applied-say = お客さまにお伝えください：書面は約1週間後（{ $arrives }頃）、簡易書留で登録住所に届きます。転送はされません。
staff-applied-arrives = 到着の目安
staff-applied-undeliverable = 不在の場合は不在連絡票が入ります。保管期間の7日以内に再配達を依頼するか、郵便局で受け取ることができます。
staff-approvals-title = 承認待ちの操作
staff-approvals-none = 承認待ちの操作はありません。
staff-approval-line = { $who }が{ $when }に申請：{ $reason }
staff-approval-own = あなたの申請です。別の職員が承認する必要があります。
staff-approval-pending = 承認待ち
staff-approval-approved = 承認済み
staff-approval-rejected = 却下
staff-approval-failed = 失敗
staff-approve = 承認する
staff-reject = 却下する
staff-notice-approved = 承認し、実行しました。
staff-notice-rejected = 却下しました。
staff-batches-title = 郵送バッチ
staff-batches-open = 未締めのバッチ
staff-batches-queued = { $letters }通が待っています。
staff-batches-oldest = 最も古いもの：{ $when }
staff-batches-age = { $hours }時間
staff-batches-warning = { $hours }時間を超えて待っている書面があります。1日ごとにお客さまの3週間の有効期間が短くなります。バッチを締めて出力してください。
staff-batches-close = バッチを締める
staff-batches-list = バッチ一覧
staff-batch = バッチ
staff-batch-closed = 締め済み
staff-batch-exported = 出力済み
staff-batch-closed-by = 締めた職員
staff-batch-exported-by = 出力した職員
staff-batch-export = 出力
staff-batch-download = ダウンロード（.tar）
staff-protection-encrypted = 委託先向けに暗号化
staff-protection-clear = 暗号化なし（デモ）
staff-notice-batch-closed = { $letters }通でバッチを締めました。
staff-notice-batch-empty = 待っている書面がないため、締めるものはありません。
staff-notice-imported = { $letters }通を記録しました。
staff-error-no-font = 書面を作成できません：日本語フォントがインストールされていません。
staff-error-no-vendor-key = 委託先の鍵（postal.vendor_age_recipient）が設定されていません。暗号化なしの出力はデモのみです。
staff-error-own-letters = あなたは書面 { $letters } を申し込んでいます。このバッチは別の職員が出力する必要があります。
staff-error-already-exported = このバッチは出力済みで、コードはもう存在しません。
staff-error-unknown-batch = そのバッチはありません。
staff-import-title = 委託先からのファイル
staff-import-kind = ファイルの種類
staff-import-tracking = 結果ファイル（お問い合わせ番号）
staff-import-returns = 返戻ファイル
staff-import-file = CSVファイル
staff-import-preview-submit = ファイルを確認する
staff-import-preview = { $kind }：{ $recorded }通を記録します（変更なし { $unchanged }通）。確定するまで何も記録されません。
staff-import-confirm = 確定して取り込む
staff-import-bad-line = { $line }行目：{ $problem }
staff-error-no-file = ファイルを選んでください。
staff-error-file-refused = ファイルは取り込まれず、何も記録されていません。問題点をすべて示します。
staff-error-file-changed = 取り込み中に書面の状態が変わったため、何も記録されていません。もう一度取り込んでください。
staff-members-title = 職員管理
staff-role = 役割
staff-last-sign-in = 最終サインイン
staff-member-active = 有効
staff-member-disabled = 無効
staff-member-disable = 無効にする
staff-member-reset = パスワードとコードをリセット
staff-notice-member-disabled = 職員を無効にし、すべての端末でサインアウトさせました。
staff-enrol-title = 職員の登録
staff-field-display-name = 氏名
staff-enrol-submit = 登録する
staff-error-role = 役割を選んでください。
staff-error-staff-login = 職員ログインは半角英小文字・数字・ドット・下線・ハイフンで3〜64文字です。
staff-error-login-taken = このログインの職員はすでにいます。
staff-error-staff-name = 氏名を1〜100文字で入力してください。
staff-enrolment-title = { $login } の登録情報
staff-enrolment-once = この情報は一度だけ表示されます。初期パスワードは本人に直接渡してください。本人は認証アプリでQRコードを読み取り、最初のサインインでパスワードを変更します。
staff-initial-password = 初期パスワード
staff-otpauth-uri = 認証アプリ用URI
staff-qr-label = 認証アプリ用URIのQRコード
staff-qr-caption = 認証アプリで読み取ってください。
staff-back-to-members = 職員管理に戻る
staff-error-unknown-account = そのログインIDの口座はありません。
staff-error-reason = 理由を入力してください（500文字以内）。
staff-error-identity-checks = 本人確認で確認した事項を選んでください。
staff-error-login-id = ログインIDは9桁の数字です。
staff-error-name = 姓と名の両方を入力してください。
staff-error-phone = 電話番号の形式が正しくありません。
staff-error-name-kana = カナ氏名はカタカナで入力してください。
staff-error-birth-date = 生年月日はYYYY-MM-DDの形で入力してください。
staff-error-search = ログインID、または氏名・電話番号・カナ氏名・生年月日のいずれかを入力してください。
staff-error-credential = その認証情報はこの口座にありません。
staff-error-invalid = 入力内容に誤りがあります。
staff-error-nothing-to-do = この操作で変わるものはありません。
staff-error-own-action = あなたが申請した操作です。別の職員が承認する必要があります。
staff-error-already-decided = すでに処理済みです。
staff-error-totp = コードが正しくないか、前回使ったものより新しくありません。次のコードを待ってください。

# 職員コンソールの窓口の申請（/staff/counter、P8b）。窓口の職員だけが読みます。
# 照合番号や暗証番号はどの項目にも入れません。申請用トークンは発行した画面に一度だけ表示します。
staff-nav-counter = 窓口の申請
staff-counter-title = 窓口の申請
staff-counter-open = 申請を受け付ける
staff-counter-open-cases = 処理中の申請（古い順）
staff-counter-no-cases = 処理中の申請はありません。
staff-counter-reference = 受付番号
staff-counter-holder = カードの名義人
staff-counter-case-type = 申請者
staff-counter-opened = 受付
staff-counter-last-day = 期限
staff-counter-closed = 終了
staff-counter-back-to-list = 窓口の申請の一覧へ戻る
staff-counter-list-separator = 、
staff-counter-type-with-ground = { $type }（{ $ground }）
staff-counter-open-title = 窓口の申請を受け付ける
staff-counter-login-id-hint = カードの名義人のログインID（ヘルプデスクの検索と同じ）。
staff-counter-ground = 理由（法定代理人のみ）
staff-counter-ground-hint = 法定代理人が手続きできる理由：名義人が15歳未満（登録の生年月日による）または成年被後見人。
staff-counter-no-ground = なし（本人・任意代理人）
staff-counter-pins = 暗証番号
staff-counter-pins-done = 済んだ暗証番号
staff-counter-operation = 変更か初期化か
staff-counter-operation-change = 変更（今の暗証番号を覚えている）
staff-counter-operation-reset = 初期化・再設定（ロックされた・忘れた）
staff-counter-brought = 受付時に確認した書類
staff-counter-brought-hint = 任意代理人の申請は、名義人のカードと代理人の本人確認書類の両方が受付時に必要です。本人・法定代理人は、申請の画面で記録します。
staff-counter-card-seen = { $item }を確認した
staff-counter-proxy-document = 代理人の本人確認書類（任意代理人のみ）
staff-counter-proxy-document-hint = { $item }：確認した書類の種類。
staff-counter-choose-document = 書類を選んでください
staff-counter-number-last4 = 書類の番号の末尾4文字（任意）
staff-counter-number-last4-hint = 末尾の英数字4文字まで。マイナンバーは一部でも記録しません。
staff-counter-open-submit = 受け付ける
staff-counter-case-title = 窓口の申請 { $reference }
staff-counter-case = 申請
staff-counter-receipt = 申請者に渡す受付票（PDF）
staff-counter-checklist = { $visit }にまだ必要なもの
staff-counter-visit-first = 1回目の来庁
staff-counter-visit-second = 2回目の来庁
staff-counter-item-done = 記録済み：
staff-counter-item-todo = 未確認：
staff-counter-seen = 確認済み
staff-counter-collected = 原本を回収
staff-counter-number-ends = 番号の末尾 { $last4 }
staff-counter-document = 確認した書類
staff-counter-document-photo-hint = 官公署発行の顔写真付きの書類に限ります。
staff-counter-exemption = 不要な理由（任意）
staff-counter-certificate-seen = 証明書を確認した
staff-counter-collected-check = 原本を回収した（市区町村で保管）
staff-counter-record = 記録する
staff-counter-pin-step = 暗証番号の手続き
staff-counter-pin-step-waits = 上の書類をすべて記録するまで、暗証番号の手続きはできません。まだのもの：
staff-counter-terminal = 統合端末で実施
staff-counter-terminal-hint = 名義人が統合端末のテンキーで暗証番号を入力しました。どの暗証番号か、結果はどうだったかを記録します。
staff-counter-terminal-pins = 統合端末で手続きした暗証番号
staff-counter-outcome = 結果
staff-counter-outcome-success = 成功
staff-counter-outcome-failure = 失敗
staff-counter-terminal-submit = 暗証番号の手続きを記録する
staff-counter-token = または窓口の端末で reissue card を使う
staff-counter-token-hint = 暗証番号1つ分の使い捨ての申請用トークンを発行します。有効期間は15分、表示は一度だけです。
staff-counter-token-pin = 暗証番号
staff-counter-token-submit = 申請用トークンを発行する
staff-counter-token-title = { $pin }の申請用トークン
staff-counter-token-once = 表示は今だけです。窓口の端末で入力してください。{ $expires }まで、一度だけ使えます。
staff-counter-token-command = 窓口の端末で次のコマンドを実行します：
staff-counter-tokens = 申請用トークン
staff-counter-token-issued = 発行
staff-counter-token-expires = 有効期限
staff-counter-token-claimed = reissue card が使用
staff-counter-tries-left = カードの残り試行回数
staff-counter-inquiry = 照会書と2回目の来庁
staff-counter-print-inquiry = 照会書兼回答書を印刷する（PDF）
staff-counter-mailed-hint = 照会書を郵便に出したら「発送済み」にします。照合番号はその後、照会書にしか残りません。
staff-counter-mailed = 照会書を発送済みにする
staff-counter-mailed-on = 発送：{ $when }
staff-counter-second-visit = 2回目の来庁
staff-counter-check-code = 照会書の照合番号
staff-counter-check-code-hint = 代理人が持参した照会書に印字された8桁の数字。あと{ $left }回入力できます。
staff-counter-second-visit-submit = 照合番号を確かめる
staff-counter-returned = 照会書が返送された
staff-counter-returned-reason = 返送の理由
staff-counter-returned-submit = 返送を記録する（申請は終了します）
staff-counter-cancel = 申請を終了する
staff-counter-cancel-submit = 申請を終了する
staff-counter-not-found-title = 申請が見つかりません
staff-counter-not-found-body = この受付番号の窓口の申請はありません。
staff-counter-done-opened = 申請を受け付けました。
staff-counter-done-item = 記録しました。
staff-counter-done-checklist-done = 記録しました。今回の来庁に必要なものはすべて記録済みです。
staff-counter-done-pin-step = 暗証番号の手続きを記録しました。
staff-counter-done-pin-failure = 失敗を記録しました。暗証番号の手続きはもう一度できます。
staff-counter-done-mailed = 照会書を発送済みにしました。代理人の2回目の来庁を待ちます。
staff-counter-done-returned = 返送を記録しました。申請は終了しました。
staff-counter-done-second-visit = 照合番号は正しいです。2回目の来庁で持参したものを記録してください。
staff-counter-done-cancelled = 申請を終了しました。
staff-counter-error-invalid = 選択肢にない値です。
staff-counter-error-login-id = 名義人のログイン ID（数字）を入力してください。
staff-counter-error-case-type = 申請者を選んでください。
staff-counter-error-ground = 法定代理人のときは理由を選んでください。本人・任意代理人のときは「なし」のままにしてください。
staff-counter-error-pins = この申請の、まだ済んでいない暗証番号を1つ以上選んでください。
staff-counter-error-operation = 変更か初期化かを選んでください。
staff-counter-error-item = この書類は今回の来庁では求めていません。
staff-counter-error-document = 確認した本人確認書類を選んでください。この書類は官公署発行の顔写真付きに限ります。
staff-counter-error-number-last4 = 番号は末尾の英数字4文字までです。マイナンバーは一部でも記録しません。
staff-counter-error-exemption = 不要な理由は、15歳未満の名義人の戸籍全部事項証明書に限ります。
staff-counter-error-collected = この書類は原本を市区町村で保管します。回収してチェックを入れてください。
staff-counter-error-reason = 理由を入力してください（500文字まで。返送は200文字まで）。
staff-counter-error-check-code = 照合番号は照会書に印字された8桁の数字です。
staff-counter-error-outcome = 暗証番号の手続きの結果を選んでください。
staff-counter-error-pin = 暗証番号を選んでください。
staff-counter-error-changed = その間に申請が変わりました。何も記録していません。もう一度確認してください。
staff-counter-refusal-not-under-15 = 名義人は{ $age }歳です。「15歳未満」は15歳未満の名義人に限ります。
staff-counter-refusal-not-adult = 名義人は{ $age }歳です。成年被後見人は18歳以上です。
staff-counter-refusal-no-birth-date = 生年月日が登録されていないため、名義人の年齢を確かめられません。
staff-counter-refusal-no-signature-certificate = 15歳未満の名義人と成年被後見人には署名用電子証明書がありません。署名用電子証明書の暗証番号を外してください。
staff-counter-refusal-no-address = 名義人の住所が登録されていないため、照会書を送れません。
staff-counter-refusal-not-individual = 個人のアカウントではありません。
staff-counter-refusal-case-already-open = この名義人の申請 { $reference } がまだ処理中です。
staff-counter-refusal-checklist-incomplete = まだ記録されていないもの：{ $missing }。
staff-counter-refusal-wrong-state = 申請は「{ $state }」です。今はこの操作はできません。
staff-counter-refusal-case-expired = 申請は{ $on }に期限切れになりました。
staff-counter-refusal-same-day = 任意代理人は受付と同じ日には手続きできません。2回目の来庁は{ $earliest }からです。
staff-counter-refusal-wrong-check-code = 照合番号が照会書のものと違います。あと{ $left }回入力できます。
staff-counter-refusal-check-code-refused = 照合番号を5回間違えたため、申請は終了しました。
staff-counter-refusal-pin-not-in-case = { $pin }はこの申請の暗証番号ではありません。
staff-counter-refusal-pin-already-done = { $pin }はこの申請ですでに済んでいます。
staff-counter-refusal-reset-on-terminal-only = ロックされた・忘れた暗証番号の初期化は、reissue card ではなく統合端末で行います。
staff-counter-refusal-case-token-unknown = この申請用トークンは見つかりません。
staff-counter-refusal-case-token-used = この申請用トークンは使用済みです。新しく発行してください。
staff-counter-refusal-case-token-expired = この申請用トークンは期限切れです。新しく発行してください。
staff-counter-refusal-case-token-other-pin = この申請用トークンは{ $pin }用です。
staff-counter-refusal-case-not-ready = 暗証番号の手続きの準備ができていません：{ $why }
staff-counter-refusal-report-late = reissue card からの結果が遅すぎました。ここで記録してください。
staff-counter-error-letter-layout = 書面を印刷できません。登録住所が長すぎて封筒の窓に収まりません。先に住所の登録を直してください。
staff-counter-refusal-not-a-workstation = 申請用トークンは窓口の端末からのみ使えます。
staff-counter-refusal-needs-representative = 名義人は{ $age }歳です。15歳未満の名義人は法定代理人が申請します。
counter-state-open = 受付中
counter-state-inquiry-ready = 照会書の印刷待ち
counter-state-awaiting-reply = 2回目の来庁待ち
counter-state-second-visit = 2回目の来庁
counter-state-completed = 完了
counter-state-undeliverable = 終了：照会書が届かない
counter-state-check-code-refused = 終了：照合番号の誤り
counter-state-expired = 終了：期限切れ
counter-state-cancelled = 終了：職員が終了
counter-document-drivers-licence = 運転免許証
counter-document-passport = 旅券（パスポート）
counter-document-my-number-card = マイナンバーカード（申請者本人のもの）
counter-document-residence-card = 在留カード
counter-document-disability-certificate = 身体障害者手帳（顔写真付き）
counter-document-other-photo-id = 官公署発行の顔写真付きのその他の書類
counter-document-health-insurance-card = 健康保険証（顔写真なし）
counter-document-pension-book = 年金手帳（顔写真なし）
counter-document-other-id = 顔写真のないその他の書類
counter-exemption-domicile-here = 名義人の本籍地がこの市区町村にある
counter-exemption-resident-record-shows-parent = 住民票で代理人が親であることが確認できる
